# The ato server image (`ato serve`). Multi-stage: build with the Rust toolchain, run on a slim Debian as a
# non-root user. The server starts runner containers through the Docker engine named by DOCKER_HOST: the host's
# socket (docker-compose.yml), or a remote engine over TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) or SSH (fly.toml).
# The engine is the server's only: it is never given to a runner container.
# Where no registry is reachable, `scripts/server-image` builds the same image from Debian packages
# (deploy/Dockerfile.prebuilt); the lines after the base are the same in both files (a test checks it).
FROM rust:1-trixie AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY runners ./runners
COPY migrations ./migrations
COPY app-manifest.yml ./
# The benches are declared in Cargo.toml, so the manifest needs their files (their support is in tests/).
COPY benches ./benches
COPY tests ./tests
RUN cargo build --release --locked --bin ato

FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git openssh-client \
 && rm -rf /var/lib/apt/lists/*
# --- same in deploy/Dockerfile.prebuilt from here ---
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin ato \
 && mkdir -p /data && chown ato /data
COPY --from=build /src/target/release/ato /usr/local/bin/ato
USER 10001
ENV ATO_BIND=0.0.0.0:3000 \
    ATO_DATA_DIR=/data \
    RUST_LOG=info
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD /usr/local/bin/ato healthcheck
ENTRYPOINT ["/usr/local/bin/ato"]
CMD ["serve"]
