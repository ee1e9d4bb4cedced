//! `ato healthcheck`: asks the local `ato serve` for `/healthz`, for a container's `HEALTHCHECK` (the image has
//! no curl, and `/bin/sh` is dash, which has no `/dev/tcp`). Exit 0 when it answers 200.

use std::net::SocketAddr;
use std::time::Duration;

use crate::serve_config::DEFAULT_BIND;

/// The `/healthz` URL of a server listening on `bind` (`ATO_BIND`): a wildcard address is reached on loopback.
pub fn healthz_url(bind: Option<&str>) -> Result<String, String> {
    let text = bind
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or(DEFAULT_BIND);
    let addr: SocketAddr = text
        .parse()
        .map_err(|_| format!("ATO_BIND={text:?} is not an address like 0.0.0.0:3000"))?;
    let host = match addr {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => "127.0.0.1".to_string(),
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => "[::1]".to_string(),
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
    };
    Ok(format!("http://{host}:{}/healthz", addr.port()))
}

/// Checks the server named by `ATO_BIND`; the error says what failed.
pub async fn check() -> Result<(), String> {
    let url = healthz_url(std::env::var("ATO_BIND").ok().as_deref())?;
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(3))
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    match response.status().as_u16() {
        200 => Ok(()),
        status => Err(format!("{url} answered {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_follows_ato_bind() {
        assert_eq!(healthz_url(None).unwrap(), "http://127.0.0.1:3000/healthz");
        assert_eq!(
            healthz_url(Some("0.0.0.0:8080")).unwrap(),
            "http://127.0.0.1:8080/healthz"
        );
        assert_eq!(
            healthz_url(Some("10.1.2.3:3000")).unwrap(),
            "http://10.1.2.3:3000/healthz"
        );
        assert_eq!(
            healthz_url(Some("[::]:3000")).unwrap(),
            "http://[::1]:3000/healthz"
        );
        assert!(
            healthz_url(Some("localhost"))
                .unwrap_err()
                .contains("ATO_BIND")
        );
    }
}
