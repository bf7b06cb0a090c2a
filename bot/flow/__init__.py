"""Dialogues as data: the flow model, its loader and the pure engine that runs it.

Nothing in this package talks to Flask, Redis, RQ or a database.
"""
