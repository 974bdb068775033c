import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrmonitor.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the process:
# move it out of the garbage collector's way, so that full collections only scan what requests
# allocate. Without this, every few requests pay a full scan of the whole framework (seen in
# bench/framework.py as a p95 twice the p50).
gc.freeze()
