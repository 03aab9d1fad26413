"""Framework equivalents: each activation as torch, JAX, Flax, Keras, TensorFlow, timm, transformers, MLX and
entmax ship it, measured against actref's float64 value.

- `calls`: the per-library calls as data (which call, which defaults, which non-default setting);
- `libraries`: loading each library in its highest precision, and its own autodiff;
- `measure`: the grid, running a call and comparing it with actref, the verdicts;
- `results`: results/frameworks.json (provenance, atomic writes, staleness); the site reads only this module,
  which imports none of the libraries;
- `cli`: `python -m actref frameworks {run,show}`.

Importing this package imports none of the libraries.
"""
