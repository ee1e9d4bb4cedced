//! What the dependency container is told about its way out: the proxy (`HTTP_PROXY`/`HTTPS_PROXY`, and npm's
//! and Maven's own settings, which do not read the environment), the operator's indexes, registry and mirror,
//! and the CA bundle of a TLS-intercepting network (for pip, npm and Node). Each installer reads its own
//! variables, so every family gets all of them. Pure.

use url::Url;

use super::script::SCRIPT_DIR;
use super::settings::DepsSettings;

/// The CA bundle's name in the script's folder.
pub const CA_FILE: &str = "ca-bundle.pem";
/// Maven's settings (mirror and proxy), in the script's folder.
pub const MAVEN_SETTINGS_FILE: &str = "maven-settings.xml";

/// The files the container gets besides the script: the CA bundle and Maven's settings, when online.
pub fn files(settings: &DepsSettings, proxy_url: Option<&str>) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    if !settings.online() {
        return files;
    }
    if let Some(ca) = &settings.ca_bundle {
        files.push((CA_FILE.to_string(), ca.pem.as_ref().clone()));
    }
    files.push((
        MAVEN_SETTINGS_FILE.to_string(),
        maven_settings(&settings.registries.maven_mirror, proxy_url).into_bytes(),
    ));
    files
}

/// The container's environment: nothing when offline.
pub fn env(settings: &DepsSettings, proxy_url: Option<&str>) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = Vec::new();
    if !settings.online() {
        return env;
    }
    let mut set = |name: &str, value: String| env.push((name.to_string(), value));
    if let Some(proxy) = proxy_url {
        for name in ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"] {
            set(name, proxy.to_string());
        }
        set("npm_config_proxy", proxy.to_string());
        set("npm_config_https_proxy", proxy.to_string());
        for name in ["NO_PROXY", "no_proxy"] {
            set(name, "localhost,127.0.0.1,::1".to_string());
        }
    }
    let registries = &settings.registries;
    set("PIP_INDEX_URL", registries.pip_index.to_string());
    if !registries.pip_extra_indexes.is_empty() {
        let extra: Vec<String> = registries
            .pip_extra_indexes
            .iter()
            .map(Url::to_string)
            .collect();
        set("PIP_EXTRA_INDEX_URL", extra.join(" "));
    }
    // pip ignores an http index unless its host is trusted; the operator configured it, so it is.
    let trusted: Vec<String> = std::iter::once(&registries.pip_index)
        .chain(&registries.pip_extra_indexes)
        .filter(|url| url.scheme() == "http")
        .filter_map(|url| {
            let host = url.host_str()?;
            Some(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_string(),
            })
        })
        .collect();
    if !trusted.is_empty() {
        set("PIP_TRUSTED_HOST", trusted.join(" "));
    }
    set("npm_config_registry", registries.npm_registry.to_string());
    set(
        "MAVEN_ARGS",
        format!("-s /work/{SCRIPT_DIR}/{MAVEN_SETTINGS_FILE}"),
    );
    if settings.ca_bundle.is_some() {
        let ca = format!("/work/{SCRIPT_DIR}/{CA_FILE}");
        for name in [
            "SSL_CERT_FILE",
            "PIP_CERT",
            "REQUESTS_CA_BUNDLE",
            "NODE_EXTRA_CA_CERTS",
            "npm_config_cafile",
        ] {
            set(name, ca.clone());
        }
    }
    env
}

/// Maven's settings: the mirror stands for Maven Central, and both protocols go through the proxy.
fn maven_settings(mirror: &Url, proxy_url: Option<&str>) -> String {
    let mut proxies = String::new();
    if let Some(proxy) = proxy_url.and_then(|text| Url::parse(text).ok())
        && let (Some(host), Some(port)) = (proxy.host_str(), proxy.port_or_known_default())
    {
        for protocol in ["https", "http"] {
            proxies.push_str(&format!(
                "    <proxy><id>ato-{protocol}</id><active>true</active><protocol>{protocol}</protocol>\
                 <host>{}</host><port>{port}</port><nonProxyHosts>localhost|127.0.0.1</nonProxyHosts></proxy>\n",
                xml_escape(host)
            ));
        }
    }
    format!(
        "<settings xmlns=\"http://maven.apache.org/SETTINGS/1.0.0\">\n  <mirrors>\n    <mirror><id>ato-mirror</id>\
         <mirrorOf>central</mirrorOf><url>{}</url></mirror>\n  </mirrors>\n  <proxies>\n{proxies}  </proxies>\n\
         </settings>\n",
        xml_escape(mirror.as_str())
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::settings::{CaBundle, DepsNetwork};
    use std::sync::Arc;

    fn settings(network: DepsNetwork) -> DepsSettings {
        let mut settings = DepsSettings {
            network,
            ..DepsSettings::default()
        };
        settings.registries.pip_extra_indexes =
            vec![Url::parse("http://172.17.0.1:8081/simple/").unwrap()];
        settings.registries.maven_mirror = Url::parse("http://m.example/m2?a=1&b=2").unwrap();
        settings.ca_bundle = Some(CaBundle {
            path: "/host/ca.pem".into(),
            pem: Arc::new(b"PEM".to_vec()),
        });
        settings
    }

    fn value<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
        env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn offline_the_container_is_told_nothing() {
        let off = settings(DepsNetwork::Off);
        assert!(env(&off, None).is_empty());
        assert!(files(&off, None).is_empty());
    }

    #[test]
    fn through_the_proxy_every_installer_gets_it_the_indexes_and_the_ca() {
        let on = settings(DepsNetwork::Registries);
        let env = env(&on, Some("http://10.9.0.2:3128"));
        for name in ["HTTPS_PROXY", "http_proxy", "npm_config_https_proxy"] {
            assert_eq!(value(&env, name), Some("http://10.9.0.2:3128"), "{name}");
        }
        assert_eq!(
            value(&env, "PIP_INDEX_URL"),
            Some("https://pypi.org/simple/")
        );
        assert_eq!(
            value(&env, "PIP_EXTRA_INDEX_URL"),
            Some("http://172.17.0.1:8081/simple/")
        );
        assert_eq!(value(&env, "PIP_TRUSTED_HOST"), Some("172.17.0.1:8081"));
        assert_eq!(
            value(&env, "npm_config_registry"),
            Some("https://registry.npmjs.org/")
        );
        assert_eq!(
            value(&env, "PIP_CERT"),
            Some("/work/ato-deps/ca-bundle.pem")
        );
        assert_eq!(
            value(&env, "NODE_EXTRA_CA_CERTS"),
            Some("/work/ato-deps/ca-bundle.pem")
        );
        let files = files(&on, Some("http://10.9.0.2:3128"));
        assert_eq!(files[0], (CA_FILE.to_string(), b"PEM".to_vec()));
        let maven = String::from_utf8(files[1].1.clone()).unwrap();
        assert!(
            maven.contains("<url>http://m.example/m2?a=1&amp;b=2</url>"),
            "{maven}"
        );
        assert!(maven.contains("<protocol>https</protocol><host>10.9.0.2</host><port>3128</port>"));
    }

    #[test]
    fn open_has_no_proxy_but_keeps_the_indexes() {
        let env = env(&settings(DepsNetwork::Open), None);
        assert_eq!(value(&env, "HTTPS_PROXY"), None);
        assert!(value(&env, "PIP_INDEX_URL").is_some());
    }
}
