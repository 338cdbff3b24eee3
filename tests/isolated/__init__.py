"""An empty app for tests that build models in an isolated registry."""
