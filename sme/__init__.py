"""Business owners' base: businesses and team, catalog, imports (and later billing).

A package of Django apps. Nothing here imports marketplace_connectors, cms or adoption.
"""
