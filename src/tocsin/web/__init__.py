"""The web layer: a FastAPI app serving the REST API (`tocsin.web.api`) and the dashboard
(`tocsin.web.dashboard`) over a tocsin database. Both are thin layers over `tocsin.web.queries`."""
