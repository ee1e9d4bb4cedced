# The ato server image (`ato serve`). Multi-stage: build with the Rust toolchain, run on a slim Debian as a
# non-root user. The server starts runner containers through the Docker engine named by DOCKER_HOST (for example
# a Docker host reached over TLS); the runner recipes are built into the binary, so `ato runners build` works
# from this image too. The Docker socket is never given to a runner container.
FROM rust:1-trixie AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY runners ./runners
COPY migrations ./migrations
# The benches are declared in Cargo.toml, so the manifest needs their files (their support is in tests/).
COPY benches ./benches
COPY tests ./tests
RUN cargo build --release --locked --bin ato

FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin ato \
 && mkdir -p /data && chown ato /data
COPY --from=build /src/target/release/ato /usr/local/bin/ato
USER 10001
ENV ATO_BIND=0.0.0.0:3000 \
    ATO_DATA_DIR=/data \
    RUST_LOG=info
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/3000"]
ENTRYPOINT ["/usr/local/bin/ato"]
CMD ["serve"]
