"""Exit 0 when the PostgreSQL server in argv[1] accepts connections (used by `make test`)."""

import sys

import psycopg

url = sys.argv[1].replace("postgres://", "postgresql://", 1)
server = url.rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(server, connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
