//! This machine's Docker engine behind a TLS proxy that asks for a client certificate, as a remote engine
//! started with `--tlsverify` would: `openssl` makes a CA, the proxy's certificate (for 127.0.0.1) and a client
//! certificate in `DOCKER_CERT_PATH`'s layout, plus a second client certificate from another CA that the proxy
//! must refuse; `stunnel` listens on a free port and forwards each accepted connection to the local socket.
//! (`socat` will not do: without a session id context, OpenSSL answers a client's session resumption with an
//! internal-error alert when it verifies client certificates.) Both programs come from Debian (`openssl`,
//! `stunnel4`; `scripts/setup` installs them).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TlsEngine {
    proxy: Child,
    pub port: u16,
    /// `ca.pem`, `cert.pem`, `key.pem` that the proxy accepts.
    pub good_certs: PathBuf,
    /// The same layout, with a client certificate of another CA.
    pub wrong_certs: PathBuf,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl TlsEngine {
    /// Makes the certificates and starts the proxy in front of the local socket (`DOCKER_HOST` when it is a
    /// `unix://` one, else `/var/run/docker.sock`).
    pub fn start() -> TlsEngine {
        for (tool, package) in [("openssl", "openssl"), ("stunnel", "stunnel4")] {
            assert!(
                Command::new(tool).arg("-version").output().is_ok(),
                "this test needs `{tool}` (Debian package {package}; scripts/setup installs it)"
            );
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let good_certs = root.join("client");
        let wrong_certs = root.join("wrong-client");
        let server = root.join("server");
        for d in [&good_certs, &wrong_certs, &server, &root.join("other-ca")] {
            std::fs::create_dir_all(d).unwrap();
        }
        make_ca(&root.join("ca"));
        make_ca(&root.join("other-ca/ca"));
        sign(&root.join("ca"), &server, "127.0.0.1", true);
        sign(&root.join("ca"), &good_certs, "ato-client", false);
        sign(&root.join("other-ca/ca"), &wrong_certs, "intruder", false);
        for d in [&good_certs, &wrong_certs, &server] {
            std::fs::copy(root.join("ca.pem"), d.join("ca.pem")).unwrap();
        }
        let socket = std::env::var("DOCKER_HOST")
            .ok()
            .and_then(|h| h.strip_prefix("unix://").map(str::to_string))
            .unwrap_or_else(|| "/var/run/docker.sock".to_string());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = root.join("stunnel.log");
        let config = root.join("stunnel.conf");
        std::fs::write(
            &config,
            format!(
                "foreground = yes\npid =\ndebug = info\noutput = {log}\n[docker]\naccept = 127.0.0.1:{port}\n\
                 connect = {socket}\ncert = {cert}\nkey = {key}\nCAfile = {ca}\nverifyChain = yes\n\
                 requireCert = yes\n",
                log = log.display(),
                cert = server.join("cert.pem").display(),
                key = server.join("key.pem").display(),
                ca = server.join("ca.pem").display(),
            ),
        )
        .unwrap();
        let proxy = Command::new("stunnel")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("stunnel starts");
        let engine = TlsEngine {
            proxy,
            port,
            good_certs,
            wrong_certs,
            log,
            _dir: dir,
        };
        engine.wait_listening();
        engine
    }

    /// `DOCKER_HOST` of the proxy.
    pub fn host(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    /// The proxy's log (one "accepted connection" line per TLS connection).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn wait_listening(&self) {
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the TLS proxy did not listen: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for TlsEngine {
    fn drop(&mut self) {
        let _ = self.proxy.kill();
        let _ = self.proxy.wait();
    }
}

fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `{prefix}.pem` and `{prefix}-key.pem`: a self-signed CA.
fn make_ca(prefix: &Path) {
    let p = prefix.display();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=ato test CA",
        "-keyout",
        &format!("{p}-key.pem"),
        "-out",
        &format!("{p}.pem"),
    ]);
}

/// `dir/cert.pem` and `dir/key.pem` signed by the CA at `ca`; a server certificate names 127.0.0.1.
fn sign(ca: &Path, dir: &Path, name: &str, server: bool) {
    let (key, csr, cert, ext) = (
        dir.join("key.pem"),
        dir.join("req.csr"),
        dir.join("cert.pem"),
        dir.join("ext.cnf"),
    );
    let usage = if server {
        format!("subjectAltName=IP:{name},DNS:localhost\nextendedKeyUsage=serverAuth\n")
    } else {
        "extendedKeyUsage=clientAuth\n".to_string()
    };
    std::fs::write(&ext, usage).unwrap();
    let s = |p: &Path| p.display().to_string();
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        &format!("/CN={name}"),
        "-keyout",
        &s(&key),
        "-out",
        &s(&csr),
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &s(&csr),
        "-CA",
        &format!("{}.pem", ca.display()),
        "-CAkey",
        &format!("{}-key.pem", ca.display()),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &s(&ext),
        "-out",
        &s(&cert),
    ]);
}
