//! A private `redis-server` for one test, on a free loopback port in a temporary folder.
//!
//! Shared by the Redis tests of several crates (included with `#[path]`). When `redis-server`
//! is not installed, [`RedisServer::start`] says loudly that the test is skipped and returns
//! `None`; when the `CI` environment variable is set it fails instead, so CI never skips the
//! Redis tests silently.
#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server` owned by the test; killed on drop.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts a server for the test `test`, or returns `None` (after a loud SKIPPED line on
    /// the terminal) when `redis-server` is not installed and `CI` is not set.
    pub fn start(test: &str) -> Option<Self> {
        if Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_err()
        {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "{test}: redis-server is not installed and CI is set; install it \
                     (apt-get install redis-server) so that the Redis tests run"
                );
            }
            // Written to the stream itself, past the test harness's capture.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED {test}: redis-server is not installed (apt-get install \
                 redis-server to run the Redis tests) ***\n"
            );
            return None;
        }
        let port = free_port();
        let dir = tempfile::tempdir().expect("a temporary folder for redis-server");
        let mut server = Self {
            child: None,
            port,
            dir,
        };
        server.spawn();
        Some(server)
    }

    /// `redis://127.0.0.1:PORT/0`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server without ending it (SIGSTOP), as a stalled host would: connections stay
    /// open and commands wait unanswered until [`resume`](Self::resume).
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a paused server go on (SIGCONT); it then runs the commands that waited.
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    /// Runs one command (its words as RESP bulk strings) and returns the first line of the
    /// answer (`:1`, `+OK`, `$-1`, ...).
    pub fn command(&self, words: &[&str]) -> String {
        let mut stream = self.send(words);
        let mut answer = Vec::new();
        let mut byte = [0u8; 1];
        while stream.read(&mut byte).map(|n| n == 1).unwrap_or(false) && byte[0] != b'\n' {
            answer.push(byte[0]);
        }
        String::from_utf8_lossy(&answer).trim_end().to_owned()
    }

    /// Runs one command whose answer is a bulk string or an array of them (`GET`, `KEYS`): the
    /// strings, none for a nil answer.
    pub fn strings(&self, words: &[&str]) -> Vec<String> {
        let mut stream = std::io::BufReader::new(self.send(words));
        let line = |stream: &mut std::io::BufReader<TcpStream>| {
            let mut line = String::new();
            std::io::BufRead::read_line(stream, &mut line).expect("an answer");
            line.trim_end().to_owned()
        };
        let bulk = |stream: &mut std::io::BufReader<TcpStream>, head: &str| {
            let len: i64 = head[1..].parse().expect("a bulk length");
            if len < 0 {
                return None;
            }
            let mut bytes = vec![0u8; len as usize + 2];
            stream.read_exact(&mut bytes).expect("the bulk string");
            bytes.truncate(len as usize);
            Some(String::from_utf8(bytes).expect("UTF-8"))
        };
        let head = line(&mut stream);
        match head.as_bytes().first() {
            Some(b'$') => bulk(&mut stream, &head).into_iter().collect(),
            Some(b'*') => {
                let n: i64 = head[1..].parse().expect("an array length");
                (0..n.max(0))
                    .filter_map(|_| {
                        let head = line(&mut stream);
                        bulk(&mut stream, &head)
                    })
                    .collect()
            }
            _ => panic!("not a string answer: {head}"),
        }
    }

    /// A new connection on which one command (its words as RESP bulk strings) was sent, with a
    /// read timeout of 5 s for its answer.
    fn send(&self, words: &[&str]) -> TcpStream {
        let mut request = format!("*{}\r\n", words.len());
        for word in words {
            request.push_str(&format!("${}\r\n{word}\r\n", word.len()));
        }
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("redis-server");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("a read timeout");
        stream
            .write_all(request.as_bytes())
            .expect("the command is sent");
        stream
    }

    fn signal(&self, signal: &str) {
        let child = self.child.as_ref().expect("a running redis-server");
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal}");
    }

    /// Starts the server again on the same port and folder (its append-only file keeps what
    /// was written before the kill).
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    fn spawn(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let child = Command::new("redis-server")
                .args(["--bind", "127.0.0.1", "--port"])
                .arg(self.port.to_string())
                .arg("--dir")
                .arg(self.dir.path())
                .args([
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "always",
                    "--save",
                    "",
                    "--daemonize",
                    "no",
                    "--protected-mode",
                    "yes",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server starts");
            self.child = Some(child);
            if wait_ready(self.port, Duration::from_secs(5)) {
                return;
            }
            // The port may still be held after a kill; try again for a while.
            self.kill();
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_ready(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
            let mut buf = [0u8; 64];
            if s.write_all(b"PING\r\n").is_ok()
                && let Ok(n) = s.read(&mut buf)
                && buf[..n].starts_with(b"+PONG")
            {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}
