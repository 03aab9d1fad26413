"""Fashion-MNIST experiments: configs, the stacked trainer, statistics, results files and the site's tables.

`python -m actref experiments list|run|show` is the command line (actref.experiments.cli).
"""
