//! The module dependency graph of one crate and its circles.

use std::collections::{BTreeMap, BTreeSet};

use super::source::code_lines;

/// The module dependency graph's circles: each a sorted list of modules.
pub(super) fn circles(texts: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    strongly_connected(&dependency_graph(texts))
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect()
}

/// Which modules each module depends on (see the [module docs](super)).
pub(super) fn dependency_graph(
    texts: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = texts.keys().cloned().collect();
    let reexports: BTreeMap<String, BTreeMap<String, Vec<String>>> = texts
        .iter()
        .map(|(m, t)| (m.clone(), reexports_of(t)))
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in texts {
        let deps = graph.entry(module.clone()).or_default();
        for path in referenced_paths(module, text) {
            if let Some(target) = resolve(&path, &modules, &reexports, 0)
                && &target != module
            {
                deps.insert(target);
            }
        }
    }
    graph
}

/// `pub use` re-exports of a file: exported name → the absolute path it points to (relative
/// paths are left for [`resolve`] to anchor; only `crate::`/`self::`/plain child paths are
/// recorded).
fn reexports_of(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let joined: Vec<&str> = code_lines(text).into_iter().map(|(_, l)| l).collect();
    for stmt in joined.join("\n").split(';') {
        let t = stmt.trim_start();
        let Some(rest) = t
            .strip_prefix("pub use ")
            .or_else(|| t.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        for path in expand_use(rest) {
            let Some(last) = path.last() else { continue };
            out.insert(last.clone(), path);
        }
    }
    out
}

/// Every path (as segments, anchored at `crate`) a module's code names through `crate::`,
/// `super::` or `self::`, or through a child module in a `use`.
fn referenced_paths(module: &str, text: &str) -> Vec<Vec<String>> {
    let base: Vec<String> = if module == "crate" {
        vec![]
    } else {
        module.split("::").map(str::to_string).collect()
    };
    let mut out = Vec::new();
    let joined: String = code_lines(text)
        .into_iter()
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n");
    let joined = blank_strings(&joined);
    // `use` statements, possibly spanning lines and braces.
    for stmt in joined.split(';') {
        let t = stmt.trim_start();
        let t = t
            .strip_prefix("pub(crate) ")
            .or_else(|| t.strip_prefix("pub(super) "))
            .or_else(|| t.strip_prefix("pub "))
            .unwrap_or(t);
        if let Some(rest) = t.strip_prefix("use ") {
            for path in expand_use(rest) {
                if let Some(abs) = anchor(&base, &path, true) {
                    out.push(abs);
                }
            }
        }
    }
    // Paths in expressions and types.
    for start in ["crate::", "super::", "self::"] {
        for (pos, _) in joined.match_indices(start) {
            let before = joined[..pos].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let segs: Vec<String> = joined[pos..]
                .split("::")
                .map(|s| {
                    s.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|s: &String| !s.is_empty())
                .collect();
            if let Some(abs) = anchor(&base, &segs, false) {
                out.push(abs);
            }
        }
    }
    out
}

/// The text with the contents of string and character literals removed, so a path written in
/// a string (`"crate::"`) is not taken for a reference.
fn blank_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push('"');
            }
            '\'' => {
                // A char literal ('x', '\n', '"'), or a lifetime ('a).
                let mut ahead = chars.clone();
                let lit = matches!(
                    (ahead.next(), ahead.next()),
                    (Some('\\'), _) | (Some(_), Some('\''))
                );
                out.push('\'');
                if lit {
                    if chars.next() == Some('\\') {
                        chars.next();
                    }
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                    out.push('\'');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
pub(super) fn expand_use(tree: &str) -> Vec<Vec<String>> {
    // Drop renames (`X as Y`) and whitespace.
    let mut cleaned = String::new();
    let mut renamed = false;
    for tok in tree.split_whitespace() {
        if renamed {
            cleaned.push_str(tok.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_'));
            renamed = false;
        } else if tok == "as" {
            renamed = true;
        } else {
            cleaned.push_str(tok);
        }
    }
    let tree = cleaned;
    let mut out = Vec::new();
    expand_into(&tree, &mut Vec::new(), &mut out);
    out
}

fn expand_into(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let (head, group) = match tree.find('{') {
        Some(open) if tree.ends_with('}') => (&tree[..open], Some(&tree[open + 1..tree.len() - 1])),
        _ => (tree, None),
    };
    let segs: Vec<String> = head
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let depth = prefix.len();
    prefix.extend(segs);
    match group {
        None => out.push(prefix.clone()),
        Some(inner) => {
            for part in split_top_level(inner) {
                if part == "self" {
                    out.push(prefix.clone());
                } else if !part.is_empty() {
                    expand_into(part, prefix, out);
                }
            }
        }
    }
    prefix.truncate(depth);
}

/// Splits on commas that are not inside braces.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Anchors a path at the crate root: `crate::a` → `[a]`, `super::b` from `x::y` → `[x, b]`,
/// `self::c` from `x` → `[x, c]`. A plain path in a `use` (`use child::Item;`) is anchored at
/// the module itself when `in_use`; anything else (external crates, std) is `None`.
fn anchor(base: &[String], path: &[String], in_use: bool) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut abs: Vec<String> = match first.as_str() {
        "crate" => vec![],
        "self" => base.to_vec(),
        "super" => {
            let mut b = base.to_vec();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                b.pop()?;
                rest = &rest[1..];
            }
            b.extend(rest.iter().cloned());
            return Some(b);
        }
        _ if in_use => {
            let mut b = base.to_vec();
            b.extend(path.iter().cloned());
            return Some(b);
        }
        _ => return None,
    };
    abs.extend(path[1..].iter().cloned());
    Some(abs)
}

/// The module an absolute path lands in, following `pub use` re-exports.
fn resolve(
    path: &[String],
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    depth: usize,
) -> Option<String> {
    let name = |segs: &[String]| {
        if segs.is_empty() {
            "crate".to_string()
        } else {
            segs.join("::")
        }
    };
    let mut current: Vec<String> = Vec::new();
    for seg in path {
        let mut next = current.clone();
        next.push(seg.clone());
        if modules.contains(&name(&next)) {
            current = next;
            continue;
        }
        // Not a module: an item of `current`, possibly re-exported from elsewhere.
        let here = name(&current);
        let target = reexports.get(&here).and_then(|r| r.get(seg));
        if let Some(target) = target
            && is_external(&current, target, modules)
        {
            // Re-exported from another crate: no edge inside this one.
            return None;
        }
        if depth < 8
            && let Some(target) = target
            && let Some(abs) = anchor(&current, target, true)
            && abs.as_slice() != next.as_slice()
        {
            return resolve(&abs, modules, reexports, depth + 1).or(Some(here));
        }
        return Some(here);
    }
    // The path names a module itself (`use crate::a;`).
    modules.contains(&name(&current)).then(|| name(&current))
}

/// True when a `use` path written in module `base` leaves the crate (`ringg_types::…`, `std::…`).
fn is_external(base: &[String], path: &[String], modules: &BTreeSet<String>) -> bool {
    let Some(first) = path.first() else {
        return false;
    };
    if matches!(first.as_str(), "crate" | "self" | "super") {
        return false;
    }
    let mut child = base.to_vec();
    child.push(first.clone());
    !modules.contains(&child.join("::"))
}

/// Tarjan's strongly connected components, each sorted.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            comp.sort();
            s.out.push(comp);
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}
