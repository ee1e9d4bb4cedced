//! The classifier over output captured from real installs: pip 25 in the Python runner image (an index
//! behind a TLS-intercepting network without its CA, a package that does not exist, an sdist whose
//! `setup.py` fails, an http index it was not told to trust), npm 9 in the Node runner image, and the
//! allow-list proxy's log.

use super::*;

/// `pip download six` on a network that intercepts TLS, without its CA.
const PIP_TLS: &str = "Could not fetch URL https://pypi.org/simple/six/: There was a problem confirming the ssl certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/six/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1029)'))) - skipping
ERROR: Could not find a version that satisfies the requirement six (from versions: none)
ERROR: No matching distribution found for six
";

/// `pip download nosuchpkg-ato-xyz==1.0` from pypi.org.
const PIP_NO_MATCH: &str = "ERROR: Could not find a version that satisfies the requirement nosuchpkg-ato-xyz==1.0 (from versions: none)
ERROR: No matching distribution found for nosuchpkg-ato-xyz==1.0
";

/// `pip install /bad` where `setup.py` exits with an error.
const PIP_BUILD: &str = "Processing /bad
  Preparing metadata (setup.py): started
  Preparing metadata (setup.py): finished with status 'error'
  error: subprocess-exited-with-error
  
  × python setup.py egg_info did not run successfully.
  │ exit code: 1
  ╰─> [1 lines of output]
      ato fixture: this build fails
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
error: metadata-generation-failed
";

/// `pip download --index-url http://172.17.0.1:9/simple/ six`.
const PIP_UNTRUSTED: &str = "Looking in indexes: http://172.17.0.1:9/simple/
WARNING: The repository located at 172.17.0.1 is not a trusted or secure host and is being ignored. If this repository is available via HTTPS we recommend you use HTTPS instead, otherwise you may silence this warning and allow it anyway with '--trusted-host 172.17.0.1'.
ERROR: Could not find a version that satisfies the requirement six (from versions: none)
ERROR: No matching distribution found for six
";

#[test]
fn an_http_index_pip_ignored_is_named() {
    let cause = classify(PIP_UNTRUSTED, &ProxyLog::default()).unwrap();
    assert_eq!(cause, Cause::UntrustedIndex("172.17.0.1".into()));
    assert!(cause.explain().contains("--trusted-host 172.17.0.1"));
}

#[test]
fn a_refusal_of_the_proxy_comes_first() {
    let log = ProxyLog {
        refused: vec!["GET http://172.17.0.1:9999".into()],
        ..ProxyLog::default()
    };
    let cause = classify(PIP_NO_MATCH, &log).unwrap();
    assert_eq!(
        cause,
        Cause::Refused(vec!["GET http://172.17.0.1:9999".into()])
    );
    assert!(cause.explain().contains("GET http://172.17.0.1:9999"));
    assert!(cause.explain().contains("allow-list proxy refused"));
}

#[test]
fn a_certificate_that_cannot_be_verified_asks_for_the_ca_bundle() {
    let cause = classify(PIP_TLS, &ProxyLog::default()).unwrap();
    assert_eq!(cause, Cause::Certificate);
    assert!(cause.explain().contains("ATO_CA_BUNDLE"));
}

#[test]
fn no_matching_version_names_the_requirement() {
    assert_eq!(
        classify(PIP_NO_MATCH, &ProxyLog::default()),
        Some(Cause::NoMatchingVersion("nosuchpkg-ato-xyz==1.0".into()))
    );
}

#[test]
fn a_failed_build_names_its_package() {
    assert_eq!(
        classify(PIP_BUILD, &ProxyLog::default()),
        Some(Cause::BuildFailed("/bad".into()))
    );
    let wheel = "Building wheel for lxml (pyproject.toml): finished with status 'error'\n  ERROR: Failed building wheel for lxml\n";
    assert_eq!(
        classify(wheel, &ProxyLog::default()),
        Some(Cause::BuildFailed("lxml".into()))
    );
}

#[test]
fn an_unreachable_index_is_said_from_the_proxy_or_the_output() {
    let log = ProxyLog {
        unreachable: vec!["pypi.org:443 ([Errno -3] Temporary failure in name resolution)".into()],
        ..ProxyLog::default()
    };
    assert!(
        matches!(classify(PIP_NO_MATCH, &log), Some(Cause::Unreachable(d)) if d.starts_with("pypi.org:443"))
    );
    assert_eq!(
        classify("npm error code EAI_AGAIN\n", &ProxyLog::default()),
        Some(Cause::Unreachable("EAI_AGAIN".into()))
    );
    assert_eq!(classify("something else\n", &ProxyLog::default()), None);
}

/// npm 9 in the Node runner image: a registry behind TLS interception without its CA, no network, a version
/// the registry does not have, and a registry the allow-list proxy refused.
const NPM_TLS: &str = "npm ERR! code SELF_SIGNED_CERT_IN_CHAIN
npm ERR! errno SELF_SIGNED_CERT_IN_CHAIN
npm ERR! request to https://pypi.org/six failed, reason: self-signed certificate in certificate chain
";
const NPM_OFFLINE: &str = "npm ERR! code EAI_AGAIN
npm ERR! syscall getaddrinfo
npm ERR! errno EAI_AGAIN
npm ERR! request to https://registry.npmjs.org/six failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org
";
const NPM_NO_MATCH: &str = "npm ERR! code ETARGET
npm ERR! notarget No matching version found for tiny@^2.0.0.
npm ERR! notarget In most cases you or one of your dependencies are requesting
";
const NPM_REFUSED: &str = "npm ERR! code E403
npm ERR! 403 403 Forbidden by ato: not a configured registry - GET http://172.17.0.1:18791/tiny
";

#[test]
fn npm_failures_are_classified_too() {
    let none = ProxyLog::default();
    assert_eq!(classify(NPM_TLS, &none), Some(Cause::Certificate));
    assert_eq!(
        classify(NPM_OFFLINE, &none),
        Some(Cause::Unreachable("EAI_AGAIN".into()))
    );
    assert_eq!(
        classify(NPM_NO_MATCH, &none),
        Some(Cause::NoMatchingVersion("tiny@^2.0.0".into()))
    );
    let log = ProxyLog {
        refused: vec!["GET http://172.17.0.1:18791".into()],
        ..ProxyLog::default()
    };
    assert_eq!(
        classify(NPM_REFUSED, &log),
        Some(Cause::Refused(vec!["GET http://172.17.0.1:18791".into()]))
    );
    // Without the proxy's log (it could not be read), its answer in the output still says it.
    assert!(matches!(
        classify(NPM_REFUSED, &none),
        Some(Cause::Refused(_))
    ));
}

/// `pip download --no-deps 'nbval @ git+https://github.com/…'` through the proxy, which refused GitHub.
const PIP_GIT_REFUSED: &str = "Collecting nbval@ git+https://github.com/computationalmodelling/nbval
  Cloning https://github.com/computationalmodelling/nbval to /tmp/pip-download-4a8xdmab/nbval
  fatal: unable to access 'https://github.com/computationalmodelling/nbval/': CONNECT tunnel failed, response 403
  error: subprocess-exited-with-error
";

#[test]
fn each_package_gets_the_refusals_its_own_output_names() {
    let refused = vec![
        "CONNECT github.com:443".to_string(),
        "GET http://10.0.0.5:8080".to_string(),
        "CONNECT [fd00::1]:443".to_string(),
    ];
    assert_eq!(
        cause_in(PIP_GIT_REFUSED, &refused),
        Some(Cause::Refused(vec!["CONNECT github.com:443".into()]))
    );
    // A package no index has says so, whatever else the proxy refused during the install.
    assert_eq!(
        cause_in(PIP_NO_MATCH, &refused),
        Some(Cause::NoMatchingVersion("nosuchpkg-ato-xyz==1.0".into()))
    );
    assert_eq!(
        cause_in("HTTPConnectionPool(host='10.0.0.5', port=8080)", &refused),
        Some(Cause::Refused(vec!["GET http://10.0.0.5:8080".into()]))
    );
    assert_eq!(
        cause_in("host fd00::1 refused", &refused),
        Some(Cause::Refused(vec!["CONNECT [fd00::1]:443".into()]))
    );
}
