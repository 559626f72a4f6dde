"""Model providers, imported lazily by `theralab.model.api.get_model_api`."""
