# The seed VM's API (the example's app): FastAPI served by uvicorn as app.main:app.
from fastapi import FastAPI

app = FastAPI(title="acme-mvp")


@app.get("/healthz")
def healthz() -> dict:
    return {"ok": True}
