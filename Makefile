# The two set-up commands are `make demo` and `make test`; see README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help demo sms-reply test lint bench i18n stop clean

help:
	@echo "make demo   start the demo on http://127.0.0.1:8069 (private PostgreSQL, demo data, SMTP sink)"
	@echo "make sms-reply FROM=+32470123456 TEXT='1 3'   a customer's SMS to the running demo"
	@echo "make test   run the whole test suite on a throwaway database (browser tours included)"
	@echo "make lint   ruff and pylint-odoo"
	@echo "make bench  run every benchmark under bench/ and print its figures"
	@echo "make i18n   re-export the .pot and merge it into fr.po and nl.po"
	@echo "make stop   stop the private PostgreSQL cluster"
	@echo "make clean  stop it and delete .local/ (cluster, demo database, caught e-mail)"

demo:
	@scripts/demo.sh

sms-reply:
	@test -n "$(FROM)" -a -n "$(TEXT)" || { echo "make sms-reply: say who writes and what, such as FROM=+32470123456 TEXT='1 3'." >&2; exit 2; }
	@python3 scripts/sms_gateway.py reply --from "$(FROM)" --odoo "http://127.0.0.1:$${HTTP_PORT:-8069}" "$(TEXT)"

test:
	@scripts/test.sh $(ARGS)

lint:
	@scripts/lint.sh

bench:
	@scripts/bench.sh

i18n:
	@scripts/i18n.sh

stop:
	@bash -c 'source scripts/lib.sh && stop_database_server'

clean: stop
	rm -rf .local
