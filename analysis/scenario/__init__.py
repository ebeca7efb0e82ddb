"""The input: the scenario model, its YAML files, dotted paths and presets.

Bottom to top: ``yaml`` (YAML 1.2), ``paths`` (dotted paths), ``validation`` (one-line
messages), ``model`` (the pydantic schema), then ``fields``, ``overrides``, ``io`` and
``presets``, which build on the model.
"""
