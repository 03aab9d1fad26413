"""More squashing functions: sparse sigmoid, step, Laplace, Elliott, ISRU, LeCun's tanh, soft clipping."""
