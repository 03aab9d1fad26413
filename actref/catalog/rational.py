"""Rational units: the Padé activation unit (PAU)."""
