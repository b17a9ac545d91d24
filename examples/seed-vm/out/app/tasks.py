# The seed VM's Celery app (celery -A app.tasks worker), with Redis as its broker.
import os

from celery import Celery

celery = Celery("acme", broker=os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
