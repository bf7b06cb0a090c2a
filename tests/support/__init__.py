"""Helpers shared by the tests: services, signing, local HTTP servers."""
