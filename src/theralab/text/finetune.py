"""Fine-tuning the top layers of all-MiniLM-L6-v2 for a task (needs torch, i.e. the `semantic`
extra): the screener (`scripts/train_screener.py --fine-tune`), the reply checker's learned
head (`python -m theralab.safety.reply_check.learned`) and the MI coder (`theralab coder train
mi`).

The lower layers stay as published and their output is computed once per text; only the top
`layers` transformer layers learn, under an ordinal head (P(level ≥ step) for each of `steps`
steps, class-balanced; one step is a yes/no label: `fit`) or a softmax head over classes (the
MI coder's behaviours: `fit_classes`), for a few epochs. What is kept is the top
layers' weights: the package's encoder rebuilds the model with them
(`theralab.text.encoder.build(adapter=…)`) and a linear head is then trained on its vectors.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as hf_logging

from theralab.text.encoder import DIM, MAX_TOKENS, _write_atomically, model_source

State = dict[str, torch.Tensor]


class TopLayerTuner:
    def __init__(self, layers: int = 3, epochs: int = 5, seed: int = 0, steps: int = 4) -> None:
        hf_logging.disable_progress_bar()
        torch.set_num_threads(2)
        self.layers, self.epochs, self.seed = layers, epochs, seed
        self.steps = steps  # ordinal outputs: 4 for the risk ladder, 1 for a yes/no label
        source = str(model_source())
        self.tokenizer = AutoTokenizer.from_pretrained(source)
        self.model = AutoModel.from_pretrained(source).eval()
        total = len(self.model.encoder.layer)
        self.first_tuned = total - layers
        self.base: State = {k: v.clone() for k, v in self.top.state_dict().items()}
        self.hidden: dict[str, torch.Tensor] = {}  # window → lower layers' output (fp16)

    @property
    def top(self) -> torch.nn.ModuleList:
        return torch.nn.ModuleList(self.model.encoder.layer[self.first_tuned :])

    def prepare(self, texts: Sequence[str]) -> None:
        """Run the frozen lower layers once per new window."""
        todo = [t for t in dict.fromkeys(texts) if t not in self.hidden]
        if not todo:
            return
        started = time.time()
        ids = self.tokenizer(todo, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        order = np.argsort([len(i) for i in ids])
        with torch.no_grad():
            for start in range(0, len(order), 64):
                rows = order[start : start + 64]
                batch = self.tokenizer.pad(
                    {"input_ids": [ids[i] for i in rows]}, return_tensors="pt"
                )
                out = self.model(
                    input_ids=batch["input_ids"],
                    attention_mask=batch["attention_mask"],
                    output_hidden_states=True,
                )
                states = out.hidden_states[self.first_tuned]
                for r, i in enumerate(rows):
                    n = len(ids[i])
                    self.hidden[todo[i]] = states[r, :n].to(torch.float16).clone()
        print(
            f"  lower layers run on {len(todo)} windows in {time.time() - started:.0f} s",
            file=sys.stderr,
        )

    def _forward(self, texts: Sequence[str]) -> torch.Tensor:
        width = max(self.hidden[t].shape[0] for t in texts)
        h = torch.zeros(len(texts), width, DIM)
        mask = torch.zeros(len(texts), width)
        for r, t in enumerate(texts):
            n = self.hidden[t].shape[0]
            h[r, :n] = self.hidden[t].float()
            mask[r, :n] = 1
        additive = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in self.top:
            out = layer(h, attention_mask=additive)
            h = out[0] if isinstance(out, tuple) else out
        pooled = (h * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def fit(self, texts: Sequence[str], ranks: Sequence[int], weights: Sequence[float]) -> State:
        """Fine-tune from the published weights on windows labelled with their message's rank
        (an ordinal head of `steps` outputs, class-balanced); returns the top layers' weights
        (the model is left as published)."""
        rank = torch.tensor(np.asarray(ranks))
        target = torch.stack([(rank >= s).float() for s in range(1, self.steps + 1)], 1)
        pos_weight = (1 - target).sum(0) / target.sum(0).clamp(min=1)

        def loss(logits: torch.Tensor, rows: list[int]) -> torch.Tensor:
            return torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target[rows], pos_weight=pos_weight, reduction="none"
            ).mean(1)

        return self._tune(texts, weights, self.steps, loss)

    def fit_classes(
        self,
        texts: Sequence[str],
        classes: Sequence[int],
        weights: Sequence[float],
        n_classes: int,
    ) -> State:
        """Fine-tune from the published weights under a softmax head over `n_classes` classes
        (each class the same total weight before `weights`); returns the top layers'
        weights (the model is left as published)."""
        y = torch.tensor(np.asarray(classes), dtype=torch.long)
        counts = torch.bincount(y, minlength=n_classes).float()
        balance = 1 / counts.clamp(min=1)
        balance *= n_classes / balance.sum()

        def loss(logits: torch.Tensor, rows: list[int]) -> torch.Tensor:
            return torch.nn.functional.cross_entropy(
                logits, y[rows], weight=balance, reduction="none"
            )

        return self._tune(texts, weights, n_classes, loss)

    def _tune(
        self,
        texts: Sequence[str],
        weights: Sequence[float],
        outputs: int,
        loss_of: Callable[[torch.Tensor, list[int]], torch.Tensor],
    ) -> State:
        """The loop both objectives share: top layers from the published weights, a linear
        head of `outputs`, AdamW, batches of 16 windows of similar length, `epochs` passes;
        `loss_of(logits, rows)` gives each row's loss, weighted by `weights`."""
        self.prepare(texts)
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        self.top.load_state_dict(self.base)
        head = torch.nn.Linear(DIM, outputs)
        optimiser = torch.optim.AdamW(
            [
                {"params": self.top.parameters(), "lr": 4e-5},
                {"params": head.parameters(), "lr": 1e-3},
            ],
            weight_decay=0.01,
        )
        weight = torch.tensor(np.asarray(weights), dtype=torch.float32)
        by_length = sorted(range(len(texts)), key=lambda i: self.hidden[texts[i]].shape[0])
        batches = [by_length[s : s + 16] for s in range(0, len(by_length), 16)]
        for epoch in range(self.epochs):
            self.top.train()
            rng.shuffle(batches)
            started, total = time.time(), 0.0
            for rows in batches:
                emb = self._forward([texts[i] for i in rows])
                loss = (loss_of(head(emb * 10), rows) * weight[rows]).sum() / weight[rows].sum()
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                total += float(loss.detach())
            print(
                f"  fine-tune epoch {epoch + 1}/{self.epochs}: loss {total / len(batches):.3f} "
                f"({time.time() - started:.0f} s)",
                file=sys.stderr,
            )
        self.top.eval()
        state = {k: v.detach().clone() for k, v in self.top.state_dict().items()}
        self.top.load_state_dict(self.base)
        return state

    def embed(self, texts: Sequence[str], state: State) -> np.ndarray:
        """Unit vectors of `texts` under fine-tuned top layers `state` (fp32, torch)."""
        self.prepare(texts)
        self.top.load_state_dict(state)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: self.hidden[texts[i]].shape[0])
        with torch.no_grad():
            for start in range(0, len(order), 64):
                rows = order[start : start + 64]
                out[rows] = self._forward([texts[i] for i in rows]).numpy()
        self.top.load_state_dict(self.base)
        return out

    def save_adapter(self, state: State, path: Path) -> None:
        """The top layers' weights under the model's own state-dict names (float16), written
        whole or not at all: a run killed while writing leaves no half file that a later
        `theralab coder train mi --reuse-layers` would take up."""
        arrays = {
            f"encoder.layer.{self.first_tuned + int(k.split('.')[0])}.{k.split('.', 1)[1]}": (
                v.numpy().astype(np.float16)
            )
            for k, v in state.items()
        }

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:  # a file, so numpy adds no suffix to the name
                np.savez_compressed(fh, **arrays)

        _write_atomically(path, write)
