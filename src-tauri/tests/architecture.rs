//! The map stays true: no module of any crate imports a module that
//! imports it back (directly or around a ring, at any level: two files of
//! one folder, or two folders), and every path and Rust item
//! ARCHITECTURE.md names exists.
//!
//! The module tree is read from the `mod` declarations, from each crate's
//! root; an import is any `crate::`, `super::` or `self::` path in the code
//! (comments left out), `use` groups in braces included. A module and its
//! own submodules may use each other (a folder's `mod.rs` and its files
//! are one module); between any other two, the import counts for the two
//! children of their nearest common parent that hold them, so
//! `audio/writer.rs → analysis/live.rs` and `analysis/decode.rs →
//! audio/resample.rs` are the cycle `audio ↔ analysis`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A module of a crate: its path from the crate root and its file.
#[derive(Debug, Clone)]
struct Module {
    path: Vec<String>,
    file: PathBuf,
}

/// The code of a file without its comments (line, block and doc).
fn code(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if c == b'\\' {
                out.push_str("  ");
                i += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
            out.push(if c == b'\n' { '\n' } else { ' ' });
            i += 1;
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                if bytes[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
            continue;
        }
        if c == b'"' && !(i > 0 && bytes[i - 1] == b'\'') {
            in_string = true;
            out.push(' ');
            i += 1;
            continue;
        }
        // A char literal like '"' or '/' is not the start of anything.
        if c == b'\'' && bytes.get(i + 2) == Some(&b'\'') {
            out.push_str("   ");
            i += 3;
            continue;
        }
        out.push(c as char);
        i += 1;
    }
    out
}

/// The submodules a file declares (`mod x;`), with their files.
fn declared(file: &Path, path: &[String]) -> Vec<Module> {
    let text = code(&std::fs::read_to_string(file).unwrap());
    let is_root = matches!(file.file_name().and_then(|n| n.to_str()), Some("lib.rs" | "main.rs" | "mod.rs"));
    let dir = if is_root { file.parent().unwrap().to_path_buf() } else { file.with_extension("") };
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("pub ").or_else(|| line.strip_prefix("pub(crate) ")).unwrap_or(line);
        let Some(rest) = line.strip_prefix("mod ") else { continue };
        let Some(name) = rest.strip_suffix(';') else { continue }; // an inline `mod tests { … }`
        let name = name.trim().to_owned();
        let flat = dir.join(format!("{name}.rs"));
        let nested = dir.join(&name).join("mod.rs");
        let file = if flat.exists() { flat } else { nested };
        assert!(file.exists(), "{}: `mod {name};` has no file", file.display());
        let mut sub = path.to_vec();
        sub.push(name);
        found.push(Module { path: sub, file });
    }
    found
}

/// Every module of the crate rooted at `root_file`.
fn modules(root_file: &Path) -> Vec<Module> {
    let mut all = vec![Module { path: Vec::new(), file: root_file.to_path_buf() }];
    let mut i = 0;
    while i < all.len() {
        let next = declared(&all[i].file, &all[i].path);
        all.extend(next);
        i += 1;
    }
    all
}

/// The paths a piece of code names, `use` groups expanded: each as its
/// segments, from `crate`, `super` or `self`.
fn paths_in(code: &str) -> Vec<(usize, Vec<String>)> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let word_at = |i: usize| -> (String, usize) {
        let mut j = i;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        (code[i..j].to_owned(), j)
    };
    let mut i = 0;
    while i < bytes.len() {
        let boundary =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':');
        if !boundary || !(bytes[i].is_ascii_alphabetic() || bytes[i] == b'$') {
            i += 1;
            continue;
        }
        let start = if bytes[i] == b'$' { i + 1 } else { i };
        let (first, end) = word_at(start);
        if !matches!(first.as_str(), "crate" | "super" | "self") || !code[end..].starts_with("::") {
            i = end.max(i + 1);
            continue;
        }
        let line = code[..i].matches('\n').count() + 1;
        let (paths, end) = path_from(code, end, vec![first]);
        found.extend(paths.into_iter().map(|p| (line, p)));
        i = end;
    }
    found
}

/// Reads `::a::b` or `::{a, b::{c}}` after `prefix`, from `at`.
fn path_from(code: &str, mut at: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let bytes = code.as_bytes();
    let mut path = prefix;
    loop {
        if !code[at..].starts_with("::") {
            return (vec![path], at);
        }
        at += 2;
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if bytes.get(at) == Some(&b'{') {
            at += 1;
            let mut all = Vec::new();
            loop {
                while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b',') {
                    at += 1;
                }
                if at >= bytes.len() || bytes[at] == b'}' {
                    return (if all.is_empty() { vec![path] } else { all }, at + 1);
                }
                let mut j = at;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'*') {
                    j += 1;
                }
                let word = code[at..j].to_owned();
                let mut sub = path.clone();
                sub.push(word);
                let (paths, end) = path_from(code, j, sub);
                all.extend(paths);
                at = end;
                // Skip an `as name` rename.
                while at < bytes.len() && !matches!(bytes[at], b',' | b'}') {
                    at += 1;
                }
            }
        }
        let mut j = at;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        if j == at {
            return (vec![path], at);
        }
        path.push(code[at..j].to_owned());
        at = j;
    }
}

/// The module of the crate a path (seen from `from`) ends in: its deepest
/// module prefix.
fn resolve(from: &[String], path: &[String], known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut base: Vec<String> = Vec::new();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => rest = &path[1..],
        Some("self") => {
            base = from.to_vec();
            rest = &path[1..];
        }
        Some("super") => {
            base = from.to_vec();
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    let mut best = base.clone();
    let mut current = base;
    for segment in rest {
        current.push(segment.clone());
        if known.contains(&current) {
            best = current.clone();
        } else {
            break;
        }
    }
    Some(best)
}

/// Import cycles of the crate rooted at `root_file`, in words.
fn cycles(root_file: &Path) -> Vec<String> {
    let all = modules(root_file);
    let known: BTreeSet<Vec<String>> = all.iter().map(|m| m.path.clone()).collect();
    // Edges between the children of the nearest common parent, with one
    // place that makes each.
    let mut edges: BTreeMap<(Vec<String>, Vec<String>), String> = BTreeMap::new();
    for module in &all {
        let text = code(&std::fs::read_to_string(&module.file).unwrap());
        for (line, path) in paths_in(&text) {
            let Some(target) = resolve(&module.path, &path, &known) else { continue };
            let common = module.path.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == module.path.len() || common == target.len() {
                continue; // a module and its own submodules
            }
            let key = (module.path[..=common].to_vec(), target[..=common].to_vec());
            edges.entry(key).or_insert_with(|| format!("{}:{line} uses {}", module.file.display(), path.join("::")));
        }
    }
    let graph: BTreeMap<&Vec<String>, Vec<&Vec<String>>> = edges.keys().fold(BTreeMap::new(), |mut g, (a, b)| {
        g.entry(a).or_default().push(b);
        g
    });
    // Every edge that closes a cycle: its target reaches its source.
    let reaches = |from: &Vec<String>, to: &Vec<String>| -> Option<Vec<Vec<String>>> {
        let mut stack = vec![vec![from.clone()]];
        let mut seen = BTreeSet::new();
        while let Some(trail) = stack.pop() {
            let last = trail.last().unwrap();
            if last == to {
                return Some(trail);
            }
            if !seen.insert(last.clone()) {
                continue;
            }
            for next in graph.get(last).into_iter().flatten() {
                let mut longer = trail.clone();
                longer.push((*next).clone());
                stack.push(longer);
            }
        }
        None
    };
    // Each ring once, whichever of its edges found it.
    let mut rings: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for ((a, b), why) in &edges {
        if let Some(back) = reaches(b, a) {
            let mut ring: Vec<String> =
                std::iter::once(a).chain(&back[..back.len() - 1]).map(|m| m.join("::")).collect();
            let evidence: Vec<String> = std::iter::once(why.clone())
                .chain(back.windows(2).map(|w| edges[&(w[0].clone(), w[1].clone())].clone()))
                .collect();
            let first = (0..ring.len()).min_by_key(|&i| ring[i].clone()).unwrap_or(0);
            ring.rotate_left(first);
            rings.entry(ring).or_insert_with(|| evidence.join("\n      "));
        }
    }
    rings.into_iter().map(|(ring, evidence)| format!("{} → {}\n      {evidence}", ring.join(" → "), ring[0])).collect()
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let crates =
        [root().join("core/src/lib.rs"), root().join("src-tauri/src/lib.rs"), root().join("src-tauri/src/main.rs")];
    let mut problems = Vec::new();
    for krate in &crates {
        for cycle in cycles(krate) {
            problems.push(format!("{}: {cycle}", krate.display()));
        }
    }
    assert!(problems.is_empty(), "import cycles:\n  {}", problems.join("\n  "));
}

#[test]
fn the_cycle_check_sees_a_cycle_and_a_group() {
    // The check itself, on a crate made for it: `a` and `b::c` use each
    // other (through a `use` group and a plain path); `d` uses its parent.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\nmod d;\n").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::b::{c::{Thing as T}, other};\n// crate::d::nothing\n").unwrap();
    std::fs::create_dir(src.join("b")).unwrap();
    std::fs::write(src.join("b/mod.rs"), "pub mod c;\npub fn other() {}\n").unwrap();
    std::fs::write(src.join("b/c.rs"), "pub struct Thing;\nfn f() { crate::a::g(\"crate::d\") }\n").unwrap();
    std::fs::write(src.join("d.rs"), "use super::a;\n").unwrap();
    let found = cycles(&src.join("lib.rs"));
    assert_eq!(found.len(), 1, "one ring, a ↔ b: {found:#?}");
    assert!(found[0].starts_with("a → b → a"), "{found:#?}");
    assert!(
        found[0].contains("a.rs:1 uses crate::b::c::Thing") && found[0].contains("c.rs:2 uses crate::a::g"),
        "{found:#?}"
    );
    let ring = found[0].lines().next().unwrap_or_default();
    assert_eq!(ring, "a → b → a", "a comment and a string are no imports, so `d` is in no ring: {found:#?}");
}

/// Whether a backticked word names a file or a folder.
fn is_path(s: &str) -> bool {
    let exts = [".rs", ".md", ".toml", ".json", ".mjs", ".ts", ".svelte", ".sh"];
    !s.contains(' ')
        && !s.contains('<')
        && !s.contains('*')
        && (exts.iter().any(|e| s.ends_with(e)) || s.ends_with('/'))
}

/// The paths (files and folders) ARCHITECTURE.md names in backticks, each
/// with the folders it may be read against: a heading that names a folder
/// (`## Code map: \`core/src/\``) sets where its section's names live, and a
/// list item that starts with a folder (`- \`loops/\`: …`) where its own do.
fn named_paths(doc: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let (mut section, mut item) = (String::new(), String::new());
    for line in doc.lines() {
        let words: Vec<&str> = line.split('`').skip(1).step_by(2).filter(|w| is_path(w)).collect();
        if line.starts_with('#') {
            section = words.iter().find(|w| w.ends_with('/')).map_or(String::new(), |w| (*w).to_owned());
            item.clear();
        } else if line.starts_with("- ") {
            item = words
                .first()
                .filter(|w| w.ends_with('/') && line.starts_with(&format!("- `{w}`")))
                .map_or(String::new(), |w| (*w).to_owned());
        } else if line.trim().is_empty() {
            item.clear();
        }
        for word in words {
            let bases = vec![String::new(), section.clone(), item.clone(), format!("{section}{item}")];
            found.push((word.to_owned(), bases));
        }
    }
    found
}

/// The Rust items ARCHITECTURE.md names as `module::Item` or
/// `Type::method` in backticks.
fn named_items(doc: &str) -> Vec<String> {
    doc.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains("::") && !s.contains(' ') && !s.contains('/') && !s.contains('<'))
        .map(|s| s.trim_end_matches("()").to_owned())
        .collect()
}

#[test]
fn every_path_and_item_the_architecture_names_exists() {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let lines = doc.lines().count();
    assert!(lines < 300, "ARCHITECTURE.md is a map, not a manual: {lines} lines");
    let mut missing = Vec::new();
    let paths = named_paths(&doc);
    assert!(paths.len() >= 30, "the map names the parts: {paths:?}");
    for (path, bases) in &paths {
        if !bases.iter().any(|base| root().join(base).join(path).exists()) {
            missing.push(format!("path {path} (read against {bases:?})"));
        }
    }
    // Every item: its last segment is declared somewhere in the Rust code
    // (a fn, struct, enum, trait, type, const or mod of that name), and
    // the segment before it is a module or a type of the code too.
    let mut code_text = String::new();
    for dir in ["core/src", "src-tauri/src"] {
        for file in rust_files(&root().join(dir)) {
            code_text.push_str(&std::fs::read_to_string(file).unwrap());
        }
    }
    let declares = |name: &str| {
        ["fn ", "struct ", "enum ", "trait ", "type ", "const ", "mod "]
            .iter()
            .any(|kw| code_text.contains(&format!("{kw}{name}")))
            || code_text.contains(&format!("    {name},"))
            || code_text.contains(&format!("    {name} {{"))
            || code_text.contains(&format!("    {name}("))
    };
    let items = named_items(&doc);
    assert!(items.len() >= 10, "the map names its entry points: {items:?}");
    for item in &items {
        let segments: Vec<&str> = item.split("::").filter(|s| !s.is_empty()).collect();
        let crate_name = |s: &&&str| matches!(**s, "mockloop_core" | "mockloop_window");
        for segment in segments.iter().skip(1).chain(segments.first().filter(|s| !crate_name(s))) {
            if segment.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && !declares(segment) {
                missing.push(format!("item {item} ({segment})"));
                break;
            }
        }
    }
    assert!(missing.is_empty(), "ARCHITECTURE.md names what the code does not have:\n  {}", missing.join("\n  "));
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
