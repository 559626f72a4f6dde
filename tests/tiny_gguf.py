"""A tiny random LLaMA-architecture GGUF model for tests: written in a few milliseconds with the
`gguf` package, no download.

2 layers, hidden size 64, 4 heads (2 KV heads), a byte-level BPE vocabulary of about 300 tokens
(the 256 GPT-2 byte tokens, a few merges, a few JSON-shaped tokens, and the special tokens
`<|endoftext|>`, `<|im_start|>`, `<|im_end|>`), a ChatML chat template and seeded random weights.

The weights are noise, so the text is noise; but the output layer is biased so that answers are
made of printable ASCII (not control bytes) and, under a JSON-schema grammar, prefer the short
structural tokens (`{"level": "`, `", "reply": "`, `"}` ...) and then the end token. A bounded
schema (enums, strings with `maxLength`) therefore closes well within 40 tokens. Random weights
never close an *unconstrained* JSON object: always give such a schema.

How the bias works: the llama architecture has no output bias, so residual dimension 0 carries a
constant. Every token embedding has a large value there and no layer writes to it (the rows of
`attn_output` and `ffn_down` for dimension 0 are zero), so after the final RMS norm that
dimension is a positive constant, and column 0 of `output.weight` acts as a per-token bias.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

N_EMBD = 64
N_HEAD = 4
N_HEAD_KV = 2
N_FF = 128
N_LAYER = 2
N_CTX_TRAIN = 4096

BOS = "<|endoftext|>"
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
SPECIAL_TOKENS = (BOS, IM_START, IM_END)

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# Merges (in GPT-2 byte-to-unicode spelling, "Ġ" is a space) so prompts tokenize into more than
# bytes; each merge's result is also a vocabulary token.
MERGES = (
    ("Ġ", "t"),
    ("h", "e"),
    ("i", "n"),
    ("Ġ", "a"),
    ("e", "r"),
    ("o", "u"),
    ("Ġt", "he"),
    ("Ġ", "s"),
    ("i", "s"),
    ("Ġ", "I"),
)
# Whole multi-character tokens that a JSON grammar can pick (never produced by tokenization):
# structural pieces, favoured so that a schema's skeleton takes few tokens, and plain words.
JSON_PIECES = ('{"', '"}', '": "', '", "', '{"level": "', '", "reply": "')
WORDS = ("level", "reply", "none", "low", "calm", "sleep", "okay")

# Per-token logit offsets (the output layer's bias), before the random part.
BIAS_PRINTABLE = 4.0  # printable ASCII other than space and backslash
BIAS_PIECE = 6.0  # the structural JSON tokens
BIAS_EOS = 2.0  # below printable (plain text runs on), above whitespace (JSON ends cleanly)
BIAS_SPACE = 0.0
BIAS_OTHER = -6.0  # control bytes, non-ASCII bytes, backslash, BOS, <|im_start|>


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable unicode characters."""
    keep = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    codes = keep[:]
    extra = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(keep, (chr(c) for c in codes), strict=True))


def vocabulary() -> tuple[list[str], list[int], list[str], list[float]]:
    """Tokens, token types, merges and per-token biases."""
    from gguf import TokenType

    byte_map = bytes_to_unicode()

    def spell(text: str) -> str:
        return "".join(byte_map[b] for b in text.encode("utf-8"))

    tokens: list[str] = []
    types: list[int] = []
    biases: list[float] = []

    for b in range(256):
        tokens.append(byte_map[b])
        types.append(TokenType.NORMAL)
        if b in (ord(" "), ord("\n")):
            biases.append(BIAS_SPACE)
        elif 0x21 <= b <= 0x7E and b != ord("\\"):
            biases.append(BIAS_PRINTABLE)
        else:
            biases.append(BIAS_OTHER)
    for left, right in MERGES:
        tokens.append(left + right)
        types.append(TokenType.NORMAL)
        biases.append(BIAS_PRINTABLE)
    for piece in (*JSON_PIECES, *WORDS):
        spelled = spell(piece)
        if spelled not in tokens:
            tokens.append(spelled)
            types.append(TokenType.NORMAL)
            biases.append(BIAS_PIECE if piece in JSON_PIECES else BIAS_PRINTABLE)
    for special in SPECIAL_TOKENS:
        tokens.append(special)
        types.append(TokenType.CONTROL)
        biases.append(BIAS_EOS if special == IM_END else BIAS_OTHER)
    merges = [f"{left} {right}" for left, right in MERGES]
    return tokens, types, merges, biases


def build_tiny_gguf(path: Path, seed: int = 0) -> Path:
    """Write the tiny model to `path` (about 0.2 MB, F32) and return `path`."""
    import gguf

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tokens, types, merges, biases = vocabulary()
    n_vocab = len(tokens)
    head_dim = N_EMBD // N_HEAD

    def noise(*shape: int, scale: float) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("theralab-tiny-random")
    writer.add_context_length(N_CTX_TRAIN)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)

    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(tokens.index(BOS))
    writer.add_eos_token_id(tokens.index(IM_END))
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    # Residual dimension 0 is a constant that no layer changes (see the module docstring).
    embed = noise(n_vocab, N_EMBD, scale=0.1)
    embed[:, 0] = 4.0
    writer.add_tensor("token_embd.weight", embed)
    for i in range(N_LAYER):
        attn_out = noise(N_EMBD, N_EMBD, scale=0.05)
        attn_out[0, :] = 0.0
        ffn_down = noise(N_EMBD, N_FF, scale=0.05)
        ffn_down[0, :] = 0.0
        layer = {
            "attn_norm.weight": np.ones(N_EMBD, dtype=np.float32),
            "attn_q.weight": noise(N_HEAD * head_dim, N_EMBD, scale=0.1),
            "attn_k.weight": noise(N_HEAD_KV * head_dim, N_EMBD, scale=0.1),
            "attn_v.weight": noise(N_HEAD_KV * head_dim, N_EMBD, scale=0.1),
            "attn_output.weight": attn_out,
            "ffn_norm.weight": np.ones(N_EMBD, dtype=np.float32),
            "ffn_gate.weight": noise(N_FF, N_EMBD, scale=0.1),
            "ffn_up.weight": noise(N_FF, N_EMBD, scale=0.1),
            "ffn_down.weight": ffn_down,
        }
        for name, tensor in layer.items():
            writer.add_tensor(f"blk.{i}.{name}", tensor)
    writer.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    # After the final norm, dimension 0 is about sqrt(N_EMBD) = 8; the other dimensions are
    # about ±1 each, so random columns of scale 0.1 add noise of about ±0.8 to each logit.
    output = noise(n_vocab, N_EMBD, scale=0.1)
    output[:, 0] = np.asarray(biases, dtype=np.float32) / np.sqrt(N_EMBD)
    writer.add_tensor("output.weight", output)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
