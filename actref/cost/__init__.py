"""What an activation costs: speed and memory microbenchmarks (a measurement; it imports the reference only).

`actref.cost.bench` measures and reads/writes the results files (results/cost.json, results/cost_cpu.json);
`actref.cost.cli` is `python -m actref cost {run,show}`. The site shows the numbers (actref.site.cost_pages).
"""
