"""The model layer: providers registered by name (`openai/…`, `vllm/…`, `llamacpp/…`,
`local`, …) behind one `Model` wrapper that owns retries, limits, cache, structured output
and usage."""

from theralab.model.api import PROVIDERS, ModelAPI, get_model_api, parse_spec
from theralab.model.cache import ResponseCache, cache_key
from theralab.model.errors import ErrorKind, MissingDependency, ModelError
from theralab.model.model import Model, schema_instruction
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput, Usage
from theralab.model.usage import UsageTracker, cost_of, price_table

__all__ = [
    "PROVIDERS",
    "ChatMessage",
    "ErrorKind",
    "GenerateConfig",
    "MissingDependency",
    "Model",
    "ModelAPI",
    "ModelError",
    "ModelOutput",
    "ResponseCache",
    "Usage",
    "UsageTracker",
    "cache_key",
    "cost_of",
    "get_model_api",
    "parse_spec",
    "price_table",
    "schema_instruction",
]
