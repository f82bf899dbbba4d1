"""An offline news network for crawl tests: outlets with their own templates, encodings, hubs
and misbehaving pages (sites.py, templates.py, stories.py), served on 127.0.0.1 by server.py;
harness.py starts it and runs crawls in child processes."""
