//! Profiles: a server and its key kept under a name (`ringg login`, `ringg profiles`,
//! `--profile` / `RINGG_PROFILE`), so moving between a simulator and production is one flag
//! and the key never goes on a command line.
//!
//! Everything lives in the config folder: `$RINGG_CONFIG_DIR` when set, else the platform's
//! config folder (`$XDG_CONFIG_HOME/ringg`, else `~/.config/ringg`, on Linux and macOS;
//! `%APPDATA%\ringg` on Windows), created with permissions 0700.
//!
//! | file | holds |
//! |---|---|
//! | `config.toml` | `default_profile` and one `[profiles.NAME]` table each: `base_url`, `workspace` (its name at login), and the optional launch defaults `timezone` and `quiet_hours` |
//! | `keys/NAME.key` | the profile's API key, and on a second line (`server URL`) the server it was checked against, permissions 0600; never printed |
//!
//! A key is used only with the server it was stored for: a profile whose `base_url` is not
//! its key's server (a `login` to another server stopped between its two writes, or a file
//! edited by hand) is refused until `ringg login` stores the pair again. Key files written
//! before the server line existed hold the key alone and go with the profile's server. On
//! Unix every change to the config file is made under a lock on `.config.lock` in the config
//! folder, so two `ringg login`s at once keep both profiles.
//!
//! Values are taken in this order: flags, then environment variables, then the selected
//! profile (`--profile`, else `RINGG_PROFILE`, else `default_profile`), then the built-in
//! defaults.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use ringg_api::transport::masked_url;
use serde::{Deserialize, Serialize};

use crate::error::{CliError, ErrorClass};

/// Overrides the config folder.
pub(crate) const CONFIG_DIR_ENV: &str = "RINGG_CONFIG_DIR";
/// Selects a profile when `--profile` is not given.
pub(crate) const PROFILE_ENV: &str = "RINGG_PROFILE";
/// The config file's name.
const CONFIG_FILE: &str = "config.toml";
/// The folder of the key files.
const KEYS_DIR: &str = "keys";
/// The lock file that changes of the config file take.
const LOCK_FILE: &str = ".config.lock";
/// The prefix of a key file's line naming the key's server.
const SERVER_LINE: &str = "server ";

/// One profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Profile {
    /// The API base URL (absent: production).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) base_url: Option<String>,
    /// The workspace's name when the key was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) workspace: Option<String>,
    /// The campaigns' default time zone (IANA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) timezone: Option<String>,
    /// The campaigns' default quiet hours (`21:00-09:00`, or `off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) quiet_hours: Option<String>,
}

/// `config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ConfigFile {
    /// The profile used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) default_profile: Option<String>,
    /// The profiles by name.
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// The config folder (not created).
pub(crate) fn config_dir() -> Result<PathBuf, CliError> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().map_err(|e| {
        CliError::usage(format!(
            "no config folder ({e}): set {CONFIG_DIR_ENV} (or XDG_CONFIG_HOME or HOME)"
        ))
    })?;
    Ok(base.config_dir().join("ringg"))
}

/// The config file's path.
pub(crate) fn config_path() -> Result<PathBuf, CliError> {
    Ok(config_dir()?.join(CONFIG_FILE))
}

/// Checks a profile name: 1–64 letters, digits, `-` and `_` (it names a file).
pub(crate) fn check_name(name: &str) -> Result<(), CliError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "{name:?} is not a profile name; use letters, digits, - and _ (e.g. prod, sim)"
        )))
    }
}

/// Reads the config file (an empty one when it does not exist).
pub(crate) fn load() -> Result<ConfigFile, CliError> {
    let path = config_path()?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(e) => {
            return Err(CliError::io(
                format!("could not read {}", path.display()),
                &e,
            ));
        }
    };
    toml::from_str(&text).map_err(|e| {
        CliError::failed(format!(
            "{} is not a valid config file: {}; fix it by hand, or delete it and run `ringg login` again",
            path.display(),
            crate::error::one_line(&e.to_string())
        ))
    })
}

/// Changes the config file: reads it, lets `change` edit it, and writes it back (atomically:
/// a new file renamed over the old one), all under an exclusive lock on the config folder's
/// `.config.lock`, so a change made by another process meanwhile is not lost. `change` may
/// also write key files, which the lock then covers too. Returns `change`'s value, the
/// config as written, and the config file's path.
pub(crate) fn update<T>(
    change: impl FnOnce(&mut ConfigFile) -> Result<T, CliError>,
) -> Result<(T, ConfigFile, PathBuf), CliError> {
    let dir = config_dir()?;
    crate::state::create_private_folder(&dir)
        .map_err(|e| CliError::io(format!("could not create {}", dir.display()), &e))?;
    let lock_path = dir.join(LOCK_FILE);
    let lock = crate::state::lock_file(&lock_path)
        .map_err(|e| CliError::io(format!("could not lock {}", lock_path.display()), &e))?;
    let mut config = load()?;
    let value = change(&mut config)?;
    let path = config_path()?;
    let text = toml::to_string_pretty(&config)
        .map_err(|e| CliError::failed(format!("could not write the config: {e}")))?;
    write_private(&path, text.as_bytes())?;
    drop(lock);
    Ok((value, config, path))
}

/// The key file of a profile.
pub(crate) fn key_path(profile: &str) -> Result<PathBuf, CliError> {
    check_name(profile)?;
    Ok(config_dir()?.join(KEYS_DIR).join(format!("{profile}.key")))
}

/// A profile's key as stored, with the server it was checked against. No `Debug`: it holds
/// the key.
pub(crate) struct StoredKey {
    /// The API key.
    pub(crate) key: String,
    /// The base URL the key was stored for; `None` in key files written before it was kept.
    pub(crate) server: Option<String>,
}

impl StoredKey {
    /// Reads a key file's text: the key on the first line, then an optional `server URL`
    /// line. `None` when there is no key.
    fn parse(text: &str) -> Option<Self> {
        let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
        let key = lines.next().filter(|k| !k.is_empty())?.to_string();
        let server = lines
            .find_map(|l| l.strip_prefix(SERVER_LINE))
            .map(|s| s.trim().to_string());
        Some(Self { key, server })
    }

    /// Whether this key may be sent to `base_url`: it was stored for that server, or for no
    /// server in particular (an older key file). The two are compared as the client reads a
    /// base URL (spaces around it, the host's case, a default port and a trailing `/` make no
    /// difference).
    pub(crate) fn goes_with(&self, base_url: &str) -> bool {
        self.server
            .as_deref()
            .is_none_or(|s| as_read(s) == as_read(base_url))
    }
}

/// A base URL as the client reads it, for comparing two: parsed (which lowercases the host,
/// drops a default port, writes an address in its usual form), without surrounding spaces or
/// a trailing `/`; the text itself when it does not parse.
fn as_read(base_url: &str) -> String {
    let text = base_url.trim();
    url::Url::parse(text)
        .map_or_else(|_| text.to_string(), |u| u.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// Stores a profile's key and the server it goes with (permissions 0600).
pub(crate) fn write_key(profile: &str, key: &str, server: &str) -> Result<PathBuf, CliError> {
    let path = key_path(profile)?;
    write_private(&path, format!("{key}\n{SERVER_LINE}{server}\n").as_bytes())?;
    Ok(path)
}

/// A profile's key, or `None` when it has no key file.
pub(crate) fn read_key(profile: &str) -> Result<Option<StoredKey>, CliError> {
    let path = key_path(profile)?;
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(StoredKey::parse(&t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(
            format!(
                "could not read the key of profile {profile} ({})",
                path.display()
            ),
            &e,
        )),
    }
}

/// The key of profile `name`, whose server is `server`: an error saying what to run when it
/// has no key, or when its key was stored for another server (it is not sent there).
pub(crate) fn profile_key(name: &str, server: &str) -> Result<String, CliError> {
    let stored = read_key(name)?.ok_or_else(|| {
        CliError::new(ErrorClass::Auth, format!("profile {name} has no key"))
            .with_hint(format!("run `ringg login --profile {name}`"))
    })?;
    if !stored.goes_with(server) {
        return Err(CliError::new(
            ErrorClass::Auth,
            format!(
                "profile {name}'s key was stored for {}, but the profile's server is {}; a key is not sent to another server (a `ringg login` that stopped half-way leaves this)",
                masked_url(stored.server.as_deref().unwrap_or_default()),
                masked_url(server)
            ),
        )
        .with_hint(format!(
            "run `ringg login --profile {name}` again (add --base-url for a server other than the profile's)"
        )));
    }
    Ok(stored.key)
}

/// Removes a profile's key file (nothing when there is none).
pub(crate) fn remove_key(profile: &str) -> Result<(), CliError> {
    let path = key_path(profile)?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CliError::io(
            format!("could not remove {}", path.display()),
            &e,
        )),
    }
}

/// Writes `bytes` to `path` readable by its owner only: the folders are created 0700, the
/// bytes go to a new 0600 file next to it, which is then renamed over `path`.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = path
        .parent()
        .ok_or_else(|| CliError::failed(format!("{} has no folder", path.display())))?;
    // The config folder first, so it is private even when a subfolder creates it.
    for folder in [config_dir()?.as_path(), dir] {
        crate::state::create_private_folder(folder)
            .map_err(|e| CliError::io(format!("could not create {}", folder.display()), &e))?;
    }
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let written = opts
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(CliError::io(
            format!("could not write {}", path.display()),
            &e,
        ));
    }
    Ok(())
}

/// The profile in force: `--profile` (`flag`), else `RINGG_PROFILE`, else the config's
/// default. `None` when none is named and there is no default. A named profile that does not
/// exist is an error listing those that do.
pub(crate) fn selected(
    config: &ConfigFile,
    flag: Option<&str>,
) -> Result<Option<(String, Profile)>, CliError> {
    let env = std::env::var(PROFILE_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (name, named) = match (flag, env) {
        (Some(f), _) => (f.to_string(), "--profile"),
        (None, Some(e)) => (e, PROFILE_ENV),
        (None, None) => match &config.default_profile {
            Some(d) => (d.clone(), "default_profile"),
            None => return Ok(None),
        },
    };
    match config.profiles.get(&name) {
        Some(p) => Ok(Some((name, p.clone()))),
        None => Err({
            // The name given may be a saved key, pasted where the profile's name belongs.
            hide_saved_keys();
            CliError::usage(format!(
                "{named} names the profile {name:?}, which does not exist (profiles: {}); `ringg login --profile {name}` creates it",
                if config.profiles.is_empty() {
                    "none".to_string()
                } else {
                    config
                        .profiles
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        }),
    }
}

/// Has every line the CLI prints mask the saved profiles' keys (for an error printed before
/// the command's key is known, which may quote one given in the wrong place). Best effort: a
/// config or key file that cannot be read is skipped.
pub(crate) fn hide_saved_keys() {
    let Ok(config) = load() else {
        return;
    };
    for name in config.profiles.keys() {
        if let Ok(Some(stored)) = read_key(name) {
            crate::term::hide(&stored.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_names_its_server_and_older_ones_go_with_any() {
        let stored = StoredKey::parse("k-1\r\nserver http://127.0.0.1:9/ca/api/v0/\n").unwrap();
        assert_eq!(stored.key, "k-1");
        assert!(stored.goes_with("http://127.0.0.1:9/ca/api/v0"));
        assert!(!stored.goes_with("https://prod.ringg.ai/ca/api/v0"));
        let older = StoredKey::parse("k-2\n").unwrap();
        assert_eq!((older.key.as_str(), older.server), ("k-2", None));
        assert!(
            StoredKey::parse("k-3")
                .unwrap()
                .goes_with("https://any.example")
        );
        // Written differently, the same server.
        let typed =
            StoredKey::parse("k-4\nserver HTTPS://GW.example.com:443/ca/api/v0 \n").unwrap();
        assert!(typed.goes_with(" https://gw.example.com/ca/api/v0/"));
        assert!(!typed.goes_with("https://gw.example.com:8443/ca/api/v0"));
        assert!(StoredKey::parse("\nserver http://x\n").is_none());
        assert!(StoredKey::parse("").is_none());
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("prod").is_ok());
        assert!(check_name("sim_2-b").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("../x").is_err());
        assert!(check_name("a b").is_err());
    }

    #[test]
    fn the_config_round_trips_through_toml() {
        let mut c = ConfigFile {
            default_profile: Some("sim".into()),
            ..ConfigFile::default()
        };
        c.profiles.insert(
            "sim".into(),
            Profile {
                base_url: Some("http://127.0.0.1:8080/ca/api/v0".into()),
                workspace: Some("Demo Workspace".into()),
                timezone: Some("Asia/Kolkata".into()),
                quiet_hours: None,
            },
        );
        let text = toml::to_string_pretty(&c).unwrap();
        assert!(text.contains("[profiles.sim]"), "{text}");
        assert_eq!(toml::from_str::<ConfigFile>(&text).unwrap(), c);
        assert_eq!(
            toml::from_str::<ConfigFile>("").unwrap(),
            ConfigFile::default()
        );
    }

    #[test]
    fn selection_prefers_the_flag_then_the_default() {
        let mut c = ConfigFile::default();
        c.profiles.insert("a".into(), Profile::default());
        c.profiles.insert("b".into(), Profile::default());
        c.default_profile = Some("b".into());
        assert_eq!(selected(&c, Some("a")).unwrap().unwrap().0, "a");
        let e = selected(&c, Some("zz")).unwrap_err();
        assert!(e.to_string().contains("profiles: a, b"), "{e}");
        if std::env::var_os(PROFILE_ENV).is_none() {
            assert_eq!(selected(&c, None).unwrap().unwrap().0, "b");
            c.default_profile = None;
            assert!(selected(&c, None).unwrap().is_none());
        }
    }
}
