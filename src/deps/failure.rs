//! Why an install failed, read from the installer's output (pip, npm, Maven) and the proxy's log: a
//! destination the proxy refused, an index that could not be reached, a certificate that could not be
//! verified, an http index pip would not use, no matching version, or a package whose build failed. Pure; the first cause found wins, in that
//! order, since an unreachable index also shows as "no matching distribution".

use super::allow_list::ProxyLog;
use super::settings::CA_BUNDLE_VAR;

/// The cause of a failed install, when the output says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The proxy refused these requests (`CONNECT host:port`, `GET http://…`).
    Refused(Vec<String>),
    /// An allowed index, or a name, could not be reached.
    Unreachable(String),
    /// TLS verification failed: a TLS-intercepting network without its CA.
    Certificate,
    /// pip ignored an http index whose host nobody trusted.
    UntrustedIndex(String),
    /// The index has no version of this package that fits.
    NoMatchingVersion(String),
    /// This package's build failed.
    BuildFailed(String),
}

impl Cause {
    /// The cause in words, for a problem.
    pub fn explain(&self) -> String {
        match self {
            Cause::Refused(requests) => format!(
                "the install tried to reach {} and ato's allow-list proxy refused it: only the configured \
                 package indexes are reachable (ATO_PIP_INDEX_URL, ATO_PIP_EXTRA_INDEX_URL, ATO_NPM_REGISTRY, \
                 ATO_MAVEN_MIRROR)",
                requests.join(", ")
            ),
            Cause::Unreachable(detail) => {
                format!("the package index could not be reached ({detail})")
            }
            Cause::Certificate => format!(
                "the package index's TLS certificate could not be verified (a TLS-intercepting network? set \
                 {CA_BUNDLE_VAR} to its CA bundle)"
            ),
            Cause::UntrustedIndex(host) => format!(
                "pip ignored the http index at {host}, which is not trusted (a requirements file can say \
                 --trusted-host {host}; an index the operator configures is trusted)"
            ),
            Cause::NoMatchingVersion(package) => {
                format!("the package index has no version of `{package}` that fits")
            }
            Cause::BuildFailed(package) => format!("the build of `{package}` failed"),
        }
    }
}

/// Words of a failed certificate check: OpenSSL (pip), Node (npm), Java (Maven).
const CERTIFICATE: &[&str] = &[
    "CERTIFICATE_VERIFY_FAILED",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "PKIX path building failed",
];
/// Words of a name or an address that could not be reached.
const UNREACHABLE: &[&str] = &[
    "Temporary failure in name resolution",
    "Name or service not known",
    "EAI_AGAIN",
    "ENOTFOUND",
    "ECONNREFUSED",
    "ETIMEDOUT",
    "ENETUNREACH",
    "Network is unreachable",
    "Connection refused",
    "UnknownHostException",
];

/// The cause of a failed install, from the installer's `output` and the proxy's `log`.
pub fn classify(output: &str, log: &ProxyLog) -> Option<Cause> {
    if !log.refused.is_empty() {
        return Some(Cause::Refused(log.refused.clone()));
    }
    if output.contains("Forbidden by ato") {
        return Some(Cause::Refused(vec!["a destination".into()]));
    }
    if CERTIFICATE.iter().any(|word| output.contains(word)) {
        return Some(Cause::Certificate);
    }
    if let Some(first) = log.unreachable.first() {
        return Some(Cause::Unreachable(first.clone()));
    }
    if let Some(word) = UNREACHABLE.iter().find(|word| output.contains(**word)) {
        return Some(Cause::Unreachable((*word).to_string()));
    }
    if let Some(host) = untrusted_index(output) {
        return Some(Cause::UntrustedIndex(host));
    }
    if let Some(package) = build_failure(output) {
        return Some(Cause::BuildFailed(package));
    }
    no_matching_version(output).map(Cause::NoMatchingVersion)
}

/// The cause of one package's failure, from the installer's `output` about that package alone: those of the
/// `refused` requests (the proxy's log of the whole container) whose host the output names, else what the
/// output says by itself.
pub fn cause_in(output: &str, refused: &[String]) -> Option<Cause> {
    let named: Vec<String> = refused
        .iter()
        .filter(|request| host_of(request).is_some_and(|host| output.contains(host)))
        .cloned()
        .collect();
    if !named.is_empty() {
        return Some(Cause::Refused(named));
    }
    classify(output, &ProxyLog::default())
}

/// The host of a refused request as the proxy logs it: `CONNECT github.com:443`, `GET http://10.0.0.5:8080`.
fn host_of(request: &str) -> Option<&str> {
    let target = request.split_whitespace().nth(1)?;
    let target = target.split_once("://").map_or(target, |(_, rest)| rest);
    let authority = target.split('/').next()?;
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    };
    (!host.is_empty()).then_some(host)
}

/// pip's "The repository located at HOST is not a trusted or secure host and is being ignored."
fn untrusted_index(output: &str) -> Option<String> {
    output.lines().find_map(|line| {
        let (_, rest) = line.split_once("The repository located at ")?;
        let (host, _) = rest.split_once(" is not a trusted or secure host")?;
        Some(host.trim().to_string())
    })
}

/// pip's "No matching distribution found for X", npm's "No matching version found for X".
fn no_matching_version(output: &str) -> Option<String> {
    output.lines().find_map(|line| {
        [
            "No matching distribution found for ",
            "No matching version found for ",
        ]
        .iter()
        .find_map(|marker| line.split_once(marker))
        .map(|(_, rest)| rest.trim().trim_end_matches('.').to_string())
    })
}

/// The package whose build failed: pip's "Failed building wheel for X", else the last "Collecting X" (or
/// "Processing X") before its "did not run successfully".
fn build_failure(output: &str) -> Option<String> {
    let mut last_collected: Option<String> = None;
    for line in output.lines() {
        let line = line.trim();
        if let Some(rest) = line
            .split_once("Failed building wheel for ")
            .map(|(_, rest)| rest)
        {
            return Some(rest.trim().to_string());
        }
        if let Some(rest) = line
            .strip_prefix("Collecting ")
            .or_else(|| line.strip_prefix("Processing "))
        {
            last_collected = rest.split_whitespace().next().map(str::to_string);
        }
        if line.contains("did not run successfully") {
            return Some(last_collected.unwrap_or_else(|| "a package".into()));
        }
    }
    None
}

#[cfg(test)]
#[path = "failure_tests.rs"]
mod tests;
