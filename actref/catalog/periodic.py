"""Periodic and radial units: sine (SIREN), Snake and the Gaussian."""
