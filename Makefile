# The whole set-up on a fresh Debian machine: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng fonts-noto-cjk chromium
PORT ?= 8001

.PHONY: install system-deps demo test archive.db serve clean-db

install: system-deps $(VENV)/.installed

# Only packages that are missing are installed, so a second run costs a dpkg query.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml testkit/pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]' -e ./testkit
	touch $@

archive.db: install
	$(BIN)/archive ingest raw_pages seeds --db archive.db

demo: archive.db
	$(BIN)/archive serve --db archive.db --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

clean-db:
	rm -f archive.db archive.db-wal archive.db-shm
