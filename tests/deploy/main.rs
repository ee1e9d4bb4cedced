//! The deploy files: `docker-compose.yml` is valid for `docker compose config` and gives the engine to the
//! server only; `fly.toml` holds every setting `ato serve` requires and the remote engine's TLS files; the two
//! Dockerfiles share their runtime part; and the server image, built from Debian packages with no registry
//! (`scripts/server-image`), passes its own HEALTHCHECK under `/bin/sh` (and fails it when nothing answers).
//! Needs Docker, mmdebstrap and docker-compose (or the compose plugin); `scripts/setup` installs them.

#[path = "../support/mod.rs"]
mod support;

mod compose;
mod fly;
mod image;
