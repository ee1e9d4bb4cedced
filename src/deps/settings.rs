//! The operator's settings of the dependency phase, read once per process from the environment: whether and
//! how the dependency container reaches the network, the package indexes it may use, and the CA bundle of a
//! TLS-intercepting network. [`DepsSettings::from_sources`] is pure, so every rule is unit-tested.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use url::Url;

use super::DepsError;

/// `registries` (default), `off` or `open`; `1`/`0` are kept as aliases of `open`/`off`.
pub const NETWORK_VAR: &str = "ATO_DEPS_NETWORK";
pub const PIP_INDEX_VAR: &str = "ATO_PIP_INDEX_URL";
/// Space- or comma-separated.
pub const PIP_EXTRA_INDEX_VAR: &str = "ATO_PIP_EXTRA_INDEX_URL";
pub const NPM_REGISTRY_VAR: &str = "ATO_NPM_REGISTRY";
pub const MAVEN_MIRROR_VAR: &str = "ATO_MAVEN_MIRROR";
/// A PEM file; default the host's `SSL_CERT_FILE` when set.
pub const CA_BUNDLE_VAR: &str = "ATO_CA_BUNDLE";

const DEFAULT_PIP_INDEX: &str = "https://pypi.org/simple/";
/// Where pypi.org's index sends the downloads.
const PYPI_FILES: &str = "https://files.pythonhosted.org/";
const DEFAULT_NPM_REGISTRY: &str = "https://registry.npmjs.org/";
const DEFAULT_MAVEN_MIRROR: &str = "https://repo.maven.apache.org/maven2/";

/// How the dependency container reaches the network. Test containers never do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DepsNetwork {
    /// Only the configured indexes, registries and mirrors, through ato's allow-list proxy.
    #[default]
    Registries,
    /// No network: only what the repository vendors installs.
    Off,
    /// Docker's default bridge, anywhere (for a trusted network only).
    Open,
}

/// Where packages come from, per ecosystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registries {
    pub pip_index: Url,
    pub pip_extra_indexes: Vec<Url>,
    pub npm_registry: Url,
    pub maven_mirror: Url,
}

impl Default for Registries {
    fn default() -> Registries {
        let url = |text: &str| Url::parse(text).expect("a valid default URL");
        Registries {
            pip_index: url(DEFAULT_PIP_INDEX),
            pip_extra_indexes: Vec::new(),
            npm_registry: url(DEFAULT_NPM_REGISTRY),
            maven_mirror: url(DEFAULT_MAVEN_MIRROR),
        }
    }
}

impl Registries {
    /// Every URL the proxy lets the dependency container reach: the indexes, the registry, the mirror, and
    /// pypi.org's file host when the index is pypi.org's.
    pub fn reachable(&self) -> Vec<Url> {
        let mut urls = vec![self.pip_index.clone()];
        urls.extend(self.pip_extra_indexes.iter().cloned());
        if self.pip_index.host_str() == Some("pypi.org") {
            urls.push(Url::parse(PYPI_FILES).expect("a valid URL"));
        }
        urls.push(self.npm_registry.clone());
        urls.push(self.maven_mirror.clone());
        urls
    }

    /// What decides what gets installed, for the cache digest (the CA bundle does not).
    pub fn identity(&self) -> String {
        let mut parts = vec![self.pip_index.to_string()];
        parts.extend(self.pip_extra_indexes.iter().map(Url::to_string));
        parts.push(self.npm_registry.to_string());
        parts.push(self.maven_mirror.to_string());
        parts.join(" ")
    }
}

/// A PEM bundle of the certificate authorities the dependency container trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaBundle {
    pub path: PathBuf,
    pub pem: Arc<Vec<u8>>,
}

/// How the dependency phase runs; the same for every run of a process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepsSettings {
    pub network: DepsNetwork,
    pub registries: Registries,
    pub ca_bundle: Option<CaBundle>,
    /// What the settings themselves want said (a deprecated alias).
    pub notes: Vec<String>,
}

impl DepsSettings {
    /// Reads the variables above from the environment, and the CA bundle from its file.
    pub fn from_env() -> Result<DepsSettings, DepsError> {
        DepsSettings::from_sources(|name| std::env::var(name).ok(), |path| std::fs::read(path))
    }

    /// [`DepsSettings::from_env`] over any lookup and file reader. Anything malformed is an error naming its
    /// variable rather than a guess.
    pub fn from_sources(
        lookup: impl Fn(&str) -> Option<String>,
        read: impl Fn(&Path) -> std::io::Result<Vec<u8>>,
    ) -> Result<DepsSettings, DepsError> {
        let set = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let mut notes = Vec::new();
        let network = match lookup(NETWORK_VAR) {
            None => DepsNetwork::Registries,
            Some(value) => match value.trim().to_ascii_lowercase().as_str() {
                "" | "registries" => DepsNetwork::Registries,
                "off" | "none" => DepsNetwork::Off,
                "open" => DepsNetwork::Open,
                alias @ ("0" | "1" | "true" | "false" | "yes" | "no" | "on") => {
                    let open = matches!(alias, "1" | "true" | "yes" | "on");
                    let meant = if open { "open" } else { "off" };
                    notes.push(format!(
                        "{NETWORK_VAR}={alias} is read as {meant}; say {meant}, or registries (the default) \
                         to reach only the configured package indexes"
                    ));
                    if open {
                        DepsNetwork::Open
                    } else {
                        DepsNetwork::Off
                    }
                }
                _ => {
                    return Err(DepsError::BadSetting {
                        variable: NETWORK_VAR,
                        value,
                        expected: "registries, off or open",
                    });
                }
            },
        };
        let url = |variable: &'static str, text: &str| -> Result<Url, DepsError> {
            let bad = || DepsError::BadSetting {
                variable,
                value: text.to_string(),
                expected: "an http:// or https:// URL with a host",
            };
            let parsed = Url::parse(text.trim()).map_err(|_| bad())?;
            let usable = matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some()
                && parsed.username().is_empty()
                && parsed.password().is_none();
            usable.then_some(parsed).ok_or_else(bad)
        };
        let mut registries = Registries::default();
        if let Some(text) = set(PIP_INDEX_VAR) {
            registries.pip_index = url(PIP_INDEX_VAR, &text)?;
        }
        if let Some(text) = set(PIP_EXTRA_INDEX_VAR) {
            registries.pip_extra_indexes = text
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|part| !part.is_empty())
                .map(|part| url(PIP_EXTRA_INDEX_VAR, part))
                .collect::<Result<_, _>>()?;
        }
        if let Some(text) = set(NPM_REGISTRY_VAR) {
            registries.npm_registry = url(NPM_REGISTRY_VAR, &text)?;
        }
        if let Some(text) = set(MAVEN_MIRROR_VAR) {
            registries.maven_mirror = url(MAVEN_MIRROR_VAR, &text)?;
        }
        let ca_path = set(CA_BUNDLE_VAR).or_else(|| set("SSL_CERT_FILE"));
        let ca_bundle = match ca_path {
            None => None,
            Some(path) => {
                let path = PathBuf::from(path.trim());
                let pem = read(&path).map_err(|source| DepsError::CaBundle {
                    path: path.clone(),
                    why: source.to_string(),
                })?;
                if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                    return Err(DepsError::CaBundle {
                        path,
                        why: "it holds no PEM certificate".into(),
                    });
                }
                Some(CaBundle {
                    path,
                    pem: Arc::new(pem),
                })
            }
        };
        Ok(DepsSettings {
            network,
            registries,
            ca_bundle,
            notes,
        })
    }

    /// What of the settings enters the cache digest: the indexes when packages come from them, nothing
    /// when only vendored packages install.
    pub fn digest_part(&self) -> String {
        match self.network {
            DepsNetwork::Off => String::new(),
            DepsNetwork::Registries | DepsNetwork::Open => self.registries.identity(),
        }
    }

    /// Whether the dependency container has any way out.
    pub fn online(&self) -> bool {
        self.network != DepsNetwork::Off
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const PEM: &[u8] = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    fn settings(vars: &[(&str, &str)]) -> Result<DepsSettings, DepsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        DepsSettings::from_sources(
            |name| vars.get(name).cloned(),
            |path| match path.to_str() {
                Some("/ca.pem") => Ok(PEM.to_vec()),
                Some("/empty.pem") => Ok(b"nothing".to_vec()),
                _ => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
            },
        )
    }

    #[test]
    fn the_registries_are_the_default_and_the_modes_are_named() {
        let default = settings(&[]).unwrap();
        assert_eq!(default.network, DepsNetwork::Registries);
        assert!(default.notes.is_empty());
        assert_eq!(default.registries.pip_index.as_str(), DEFAULT_PIP_INDEX);
        assert_eq!(default.ca_bundle, None);
        for (value, mode) in [
            ("off", DepsNetwork::Off),
            (" OPEN ", DepsNetwork::Open),
            ("registries", DepsNetwork::Registries),
        ] {
            let parsed = settings(&[(NETWORK_VAR, value)]).unwrap();
            assert_eq!(parsed.network, mode, "{value}");
            assert!(parsed.notes.is_empty());
        }
        let error = settings(&[(NETWORK_VAR, "maybe")]).unwrap_err().to_string();
        assert!(
            error.contains(NETWORK_VAR) && error.contains("maybe") && error.contains("registries"),
            "{error}"
        );
    }

    #[test]
    fn one_and_zero_are_aliases_that_say_what_they_mean() {
        let open = settings(&[(NETWORK_VAR, "1")]).unwrap();
        assert_eq!(open.network, DepsNetwork::Open);
        assert!(open.notes[0].contains("read as open"), "{:?}", open.notes);
        let off = settings(&[(NETWORK_VAR, "0")]).unwrap();
        assert_eq!(off.network, DepsNetwork::Off);
        assert!(off.notes[0].contains("read as off"));
    }

    #[test]
    fn indexes_are_urls_and_enter_the_digest_only_when_used() {
        let parsed = settings(&[
            (PIP_INDEX_VAR, "https://mirror.example/simple"),
            (
                PIP_EXTRA_INDEX_VAR,
                "https://a.example/simple, http://b.example:8080/simple",
            ),
            (NPM_REGISTRY_VAR, "http://npm.example:4873/"),
            (MAVEN_MIRROR_VAR, "https://maven.example/m2"),
        ])
        .unwrap();
        let hosts: Vec<String> = parsed
            .registries
            .reachable()
            .iter()
            .map(|u| u.host_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(
            hosts,
            [
                "mirror.example",
                "a.example",
                "b.example",
                "npm.example",
                "maven.example"
            ],
            "no files.pythonhosted.org without pypi.org"
        );
        assert!(
            parsed
                .digest_part()
                .contains("https://mirror.example/simple")
        );
        let other = settings(&[(PIP_INDEX_VAR, "https://other.example/simple")]).unwrap();
        assert_ne!(parsed.digest_part(), other.digest_part());
        let off = settings(&[(NETWORK_VAR, "off"), (PIP_INDEX_VAR, "https://x.example/")]).unwrap();
        assert_eq!(off.digest_part(), "");
        for bad in [
            "ftp://x.example/",
            "not a url",
            "https://user:pw@x.example/",
        ] {
            let error = settings(&[(PIP_INDEX_VAR, bad)]).unwrap_err().to_string();
            assert!(error.contains(PIP_INDEX_VAR), "{error}");
        }
    }

    #[test]
    fn the_ca_bundle_is_read_from_its_file_or_the_hosts_ssl_cert_file() {
        let explicit = settings(&[(CA_BUNDLE_VAR, "/ca.pem")]).unwrap();
        assert_eq!(explicit.ca_bundle.unwrap().pem.as_slice(), PEM);
        let inherited = settings(&[("SSL_CERT_FILE", "/ca.pem")]).unwrap();
        assert_eq!(inherited.ca_bundle.unwrap().path, PathBuf::from("/ca.pem"));
        let with_ca = settings(&[(CA_BUNDLE_VAR, "/ca.pem")]).unwrap();
        assert_eq!(
            with_ca.digest_part(),
            settings(&[]).unwrap().digest_part(),
            "the CA does not change what is installed"
        );
        for path in ["/missing.pem", "/empty.pem"] {
            let error = settings(&[(CA_BUNDLE_VAR, path)]).unwrap_err().to_string();
            assert!(
                error.contains(CA_BUNDLE_VAR) && error.contains(path),
                "{error}"
            );
        }
    }
}
