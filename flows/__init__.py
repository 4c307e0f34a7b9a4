"""Prefect flows. They only wire: each task calls one Prefect-free step and logs counts."""
