//! The store's behaviour through its public calls, on both backends. The scenarios follow what
//! the original answered to the same sequence of admin API calls.

mod common;

use common::{TempDir, on_both_backends};
use pipy_repo::{CodebaseInfo, ETAGS_FILE, INITIAL_MAIN, Repo, RepoError};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn published(repo: &Repo, cb: &str, path: &str) -> Option<(String, String)> {
    repo.published_file(cb, path).map(|f| (String::from_utf8(f.data).unwrap(), f.etag))
}

fn read(repo: &Repo, cb: &str, path: &str) -> Option<String> {
    repo.read_file(cb, path).map(|d| String::from_utf8(d).unwrap())
}

#[test]
fn a_new_codebase_holds_a_starter_main_and_publishes_nothing() {
    on_both_backends(|repo| {
        repo.create("/hello", None, None, None).unwrap();
        let info = repo.info("/hello").unwrap();
        assert_eq!(
            info,
            CodebaseInfo {
                version: "0".into(),
                path: "/hello".into(),
                main: "/main.js".into(),
                files: strings(&["/main.js"]),
                edit_files: vec![],
                erased_files: vec![],
                base_files: vec![],
                derived: vec![],
                base: None,
            }
        );
        assert_eq!(repo.info("hello"), Some(info));
        assert_eq!(read(repo, "/hello", "/main.js").as_deref(), Some(INITIAL_MAIN));
        assert_eq!(INITIAL_MAIN.len(), 232);
        assert_eq!(repo.manifest("/hello"), None);
        assert_eq!(repo.published_file("/hello", "/main.js"), None);
        assert_eq!(repo.published_file("/hello", ETAGS_FILE), None);
        assert_eq!(repo.list(""), strings(&["/hello"]));
        assert_eq!(repo.create("/hello", None, None, None), Err(RepoError::Exists));
        assert_eq!(repo.create("hello", None, None, Some("3")), Err(RepoError::Exists));
    });
}

#[test]
fn publishing_commits_edits_and_serves_them() {
    on_both_backends(|repo| {
        repo.create("/hello", None, None, None).unwrap();
        assert_eq!(repo.publish("/hello", "1").unwrap(), strings(&["/hello"]));
        let m = repo.manifest("/hello").unwrap();
        assert_eq!((m.version.as_str(), m.main.as_str()), ("1", "/main.js"));
        assert_eq!(m.files, strings(&["/main.js"]));
        assert_eq!(m.body(), "/main.js");
        assert_eq!(published(repo, "/hello", "/main.js"), Some((INITIAL_MAIN.to_string(), "1".to_string())));
        assert_eq!(published(repo, "/hello", ETAGS_FILE), Some(("/main.js#1\n".to_string(), String::new())));

        repo.write_file("/hello", "/lib.js", b"L1").unwrap();
        repo.write_file("/hello", "main.js", b"M1").unwrap();
        let info = repo.info("/hello").unwrap();
        assert_eq!(info.edit_files, strings(&["/lib.js", "/main.js"]));
        assert_eq!(info.files, strings(&["/main.js"]));
        assert_eq!(read(repo, "/hello", "/main.js").as_deref(), Some("M1"));
        // Edits are not published until the next publish.
        assert_eq!(published(repo, "/hello", "/main.js").unwrap().0, INITIAL_MAIN);
        assert_eq!(published(repo, "/hello", "/lib.js"), None);

        // Resetting drops the edit; the committed file shows again.
        repo.reset_file("/hello", "/main.js").unwrap();
        assert_eq!(read(repo, "/hello", "/main.js").as_deref(), Some(INITIAL_MAIN));
        repo.reset_file("/hello", "/lib.js").unwrap();
        assert_eq!(read(repo, "/hello", "/lib.js"), None);

        repo.write_file("/hello", "/lib.js", b"L1").unwrap();
        repo.erase_file("/hello", "/main.js").unwrap();
        let info = repo.info("/hello").unwrap();
        assert_eq!(info.erased_files, strings(&["/main.js"]));
        assert_eq!(read(repo, "/hello", "/main.js"), None);

        let etag_before = repo.manifest("/hello").unwrap().etag;
        repo.publish("/hello", "2").unwrap();
        let info = repo.info("/hello").unwrap();
        assert_eq!(info.version, "2");
        assert_eq!(info.files, strings(&["/lib.js"]));
        assert!(info.edit_files.is_empty() && info.erased_files.is_empty());
        let m = repo.manifest("/hello").unwrap();
        // Main is listed first even when it no longer exists, as in the original.
        assert_eq!(m.files, strings(&["/main.js", "/lib.js"]));
        assert_ne!(m.etag, etag_before);
        assert_eq!(published(repo, "/hello", "/main.js"), None);
        assert_eq!(published(repo, "/hello", "/lib.js"), Some(("L1".to_string(), "2".to_string())));

        // Publishing the same version again is allowed and still changes the etag.
        let etag = m.etag;
        repo.publish("/hello", "2").unwrap();
        assert_ne!(repo.manifest("/hello").unwrap().etag, etag);
    });
}

/// The sequence run against the original: a base, a derived codebase, base publishes.
#[test]
fn a_derived_codebase_overlays_its_base() {
    on_both_backends(|repo| {
        repo.create("/hello", None, None, None).unwrap();
        repo.publish("/hello", "1").unwrap();
        repo.create("/d1", Some("/hello"), None, Some("1")).unwrap();
        let info = repo.info("/d1").unwrap();
        assert_eq!(info.version, "1");
        assert_eq!(info.main, "/main.js");
        assert!(info.files.is_empty());
        assert_eq!(info.base_files, strings(&["/main.js"]));
        assert_eq!(info.base.as_deref(), Some("/hello"));
        assert_eq!(repo.info("/hello").unwrap().derived, strings(&["/d1"]));
        assert_eq!(repo.manifest("/d1"), None);
        assert_eq!(read(repo, "/d1", "/main.js").as_deref(), Some(INITIAL_MAIN));

        // A file that only comes from the base cannot be erased.
        repo.write_file("/d1", "/extra.js", b"X1").unwrap();
        repo.erase_file("/d1", "/main.js").unwrap();
        let info = repo.info("/d1").unwrap();
        assert_eq!(info.edit_files, strings(&["/extra.js"]));
        assert!(info.erased_files.is_empty());
        assert_eq!(read(repo, "/d1", "/main.js").as_deref(), Some(INITIAL_MAIN));

        assert_eq!(repo.publish("/d1", "2").unwrap(), strings(&["/d1"]));
        let m = repo.manifest("/d1").unwrap();
        assert_eq!(m.version, "2");
        assert_eq!(m.files, strings(&["/main.js", "/extra.js"]));
        assert_eq!(published(repo, "/d1", "/main.js"), Some((INITIAL_MAIN.to_string(), "2".to_string())));
        assert_eq!(repo.info("/d1").unwrap().files, strings(&["/extra.js"]));

        // The base publishes a new version: the derived one takes it, one version up.
        let d1_etag = m.etag;
        repo.write_file("/hello", "/lib.js", b"L1").unwrap();
        assert_eq!(repo.publish("/hello", "2").unwrap(), strings(&["/hello", "/d1"]));
        let info = repo.info("/d1").unwrap();
        assert_eq!(info.version, "3");
        assert_eq!(info.base_files, strings(&["/lib.js", "/main.js"]));
        let m = repo.manifest("/d1").unwrap();
        assert_eq!(m.version, "3");
        assert_ne!(m.etag, d1_etag);
        assert_eq!(m.files, strings(&["/main.js", "/extra.js", "/lib.js"]));
        assert_eq!(published(repo, "/d1", "/lib.js"), Some(("L1".to_string(), "3".to_string())));
        assert_eq!(published(repo, "/d1", ETAGS_FILE).unwrap().0, "/extra.js#3\n/lib.js#3\n/main.js#3\n");
        assert_eq!(published(repo, "/hello", ETAGS_FILE).unwrap().0, "/lib.js#2\n/main.js#2\n");

        // Its own copy wins over the base's; erasing that copy brings the base's back.
        repo.write_file("/d1", "/main.js", b"D1MAIN").unwrap();
        repo.publish("/d1", "7").unwrap();
        assert_eq!(published(repo, "/d1", "/main.js").unwrap().0, "D1MAIN");
        repo.erase_file("/d1", "/main.js").unwrap();
        let info = repo.info("/d1").unwrap();
        assert_eq!(info.files, strings(&["/extra.js", "/main.js"]));
        assert_eq!(info.erased_files, strings(&["/main.js"]));
        assert_eq!(read(repo, "/d1", "/main.js").as_deref(), Some(INITIAL_MAIN));
        assert_eq!(published(repo, "/d1", "/main.js").unwrap().0, "D1MAIN");
        repo.publish("/d1", "8").unwrap();
        assert_eq!(repo.info("/d1").unwrap().files, strings(&["/extra.js"]));
        assert_eq!(published(repo, "/d1", "/main.js"), Some((INITIAL_MAIN.to_string(), "8".to_string())));

        // The same base version again: the version stays (as in the original), the view and
        // the etag are renewed.
        let etag = repo.manifest("/d1").unwrap().etag;
        repo.write_file("/hello", "/lib.js", b"L2").unwrap();
        assert_eq!(repo.publish("/hello", "2").unwrap(), strings(&["/hello", "/d1"]));
        let m = repo.manifest("/d1").unwrap();
        assert_eq!(m.version, "8");
        assert_ne!(m.etag, etag);
        assert_eq!(published(repo, "/d1", "/lib.js").unwrap().0, "L2");

        // Two levels: a codebase derived from /d1 that never published gets a view too.
        repo.create("d2", Some("d1"), None, None).unwrap();
        let info = repo.info("/d2").unwrap();
        assert_eq!(info.base_files, strings(&["/extra.js", "/lib.js", "/main.js"]));
        assert_eq!(info.version, "0");
        repo.publish("/hello", "3").unwrap();
        assert_eq!(repo.info("/d1").unwrap().version, "9");
        assert_eq!(repo.info("/d2").unwrap().version, "1");
        let m = repo.manifest("/d2").unwrap();
        assert_eq!(m.files, strings(&["/main.js", "/extra.js", "/lib.js"]));
        assert_eq!(published(repo, "/d2", "/extra.js"), Some(("X1".to_string(), "1".to_string())));

        // An unpublished derived codebase whose base version did not change stays unpublished.
        repo.create("/d3", Some("/hello"), None, None).unwrap();
        assert_eq!(repo.publish("/hello", "3").unwrap(), strings(&["/hello", "/d1", "/d2"]));
        assert_eq!(repo.manifest("/d3"), None);
        assert_eq!(repo.info("/d3").unwrap().version, "0");
        assert_eq!(repo.info("/d3").unwrap().main, "/main.js");
    });
}

#[test]
fn versions_bump_like_c_atoi() {
    on_both_backends(|repo| {
        repo.create("/b", None, None, None).unwrap();
        repo.create("/d", Some("/b"), None, Some("release-x")).unwrap();
        repo.publish("/b", "5").unwrap();
        assert_eq!(repo.info("/d").unwrap().version, "1");
        repo.publish("/d", "41.7").unwrap();
        repo.publish("/b", "6").unwrap();
        assert_eq!(repo.info("/d").unwrap().version, "42");
    });
}

#[test]
fn committing_without_a_version_updates_files_but_not_the_manifest() {
    on_both_backends(|repo| {
        repo.create("/hello", None, None, None).unwrap();
        repo.publish("/hello", "8").unwrap();
        assert!(!repo.commit_files("/hello").unwrap());
        let before = repo.manifest("/hello").unwrap();

        repo.write_file("/hello", "/extra.js", b"X2").unwrap();
        repo.write_file("/hello", "/new.js", b"N1").unwrap();
        repo.write_file("/hello", "/main.js", b"M2").unwrap();
        repo.set_main("/hello", "extra.js").unwrap();
        assert!(repo.commit_files("/hello").unwrap());
        let info = repo.info("/hello").unwrap();
        assert_eq!(info.main, "/extra.js");
        assert_eq!(info.version, "8");
        assert_eq!(info.files, strings(&["/extra.js", "/main.js", "/new.js"]));
        assert!(info.edit_files.is_empty());
        let m = repo.manifest("/hello").unwrap();
        assert_eq!((&m.version, &m.etag, &m.main), (&before.version, &before.etag, &before.main));
        assert_eq!(m.files, strings(&["/main.js", "/extra.js", "/new.js"]));
        assert_eq!(published(repo, "/hello", "/new.js"), Some(("N1".to_string(), ".1".to_string())));
        assert_eq!(published(repo, "/hello", "/main.js"), Some(("M2".to_string(), "8.1".to_string())));

        repo.write_file("/hello", "/main.js", b"M3").unwrap();
        repo.commit_files("/hello").unwrap();
        repo.erase_file("/hello", "/new.js").unwrap();
        repo.commit_files("/hello").unwrap();
        assert_eq!(published(repo, "/hello", ETAGS_FILE).unwrap().0, "/extra.js#.1\n/main.js#8.2\n");
        assert_eq!(published(repo, "/hello", "/new.js"), None);
        assert_eq!(published(repo, "/hello", "/main.js").unwrap().0, "M3");

        // The next publish lists the new main first.
        repo.publish("/hello", "9").unwrap();
        let m = repo.manifest("/hello").unwrap();
        assert_eq!(m.main, "/extra.js");
        assert_eq!(m.files, strings(&["/extra.js", "/main.js"]));
    });
}

#[test]
fn an_erased_own_copy_committed_without_a_version_falls_back_to_the_base() {
    on_both_backends(|repo| {
        repo.create("/b", None, None, None).unwrap();
        repo.publish("/b", "1").unwrap();
        repo.create("/d", Some("/b"), None, None).unwrap();
        repo.write_file("/d", "/main.js", b"own").unwrap();
        repo.publish("/d", "4").unwrap();
        repo.erase_file("/d", "/main.js").unwrap();
        repo.commit_files("/d").unwrap();
        assert_eq!(published(repo, "/d", "/main.js"), Some((INITIAL_MAIN.to_string(), "4.1".to_string())));
    });
}

#[test]
fn a_published_view_keeps_its_content_while_the_base_moves_on() {
    on_both_backends(|repo| {
        repo.create("/b", None, None, None).unwrap();
        repo.publish("/b", "1").unwrap();
        repo.create("/d", Some("/b"), None, None).unwrap();
        repo.publish("/d", "1").unwrap();
        repo.write_file("/b", "/main.js", b"B2").unwrap();
        repo.commit_files("/b").unwrap();
        assert_eq!(published(repo, "/b", "/main.js").unwrap().0, "B2");
        assert_eq!(published(repo, "/d", "/main.js").unwrap().0, INITIAL_MAIN);
        // The editor's view of /d follows the base's committed files.
        assert_eq!(read(repo, "/d", "/main.js").as_deref(), Some("B2"));
    });
}

#[test]
fn errors_carry_the_originals_texts() {
    on_both_backends(|repo| {
        let e = |r: Result<(), RepoError>| r.unwrap_err().to_string();
        assert_eq!(e(repo.create("/x", Some("/nope"), None, None)), "Base codebase not found");
        assert_eq!(e(repo.create("/x", None, None, Some(""))), "Invalid version");
        assert_eq!(e(repo.create("/x/", None, None, None)), "Invalid codebase name");
        assert_eq!(e(repo.create("", None, None, None)), "Invalid codebase name");
        assert_eq!(e(repo.create("/x", None, Some(""), None)), "Invalid main filename");
        repo.create("/x", None, None, None).unwrap();
        assert_eq!(e(repo.create("/x", None, None, None)), "Codebase already exists");
        // The base is looked at before the name is checked for a duplicate, as in the original.
        assert_eq!(e(repo.create("/x", Some("/nope"), None, None)), "Base codebase not found");
        assert_eq!(repo.publish("/nope", "1"), Err(RepoError::NotFound));
        assert_eq!(repo.publish("/x", ""), Err(RepoError::InvalidVersion));
        assert_eq!(repo.delete("/nope"), Err(RepoError::NotFound));
        assert_eq!(repo.write_file("/nope", "/a.js", b"a"), Err(RepoError::NotFound));
        assert_eq!(e(repo.write_file("/x", "/dir/", b"a")), "Invalid filename");
        assert_eq!(repo.erase_file("/nope", "/a.js"), Err(RepoError::NotFound));
        assert_eq!(repo.reset_file("/nope", "/a.js"), Err(RepoError::NotFound));
        assert_eq!(repo.set_main("/x", ""), Err(RepoError::InvalidMain));
        assert_eq!(repo.set_main("/nope", "/a.js"), Err(RepoError::NotFound));
        assert_eq!(repo.commit_files("/nope"), Err(RepoError::NotFound));
        assert_eq!(RepoError::NotFound.to_string(), "Codebase not found");
        // A failed call changes nothing.
        assert_eq!(repo.list(""), strings(&["/x"]));
        assert_eq!(repo.info("/x").unwrap().version, "0");
    });
}

#[test]
fn create_honours_main_and_version() {
    on_both_backends(|repo| {
        repo.create("/m", None, Some("x.js"), Some("5")).unwrap();
        let info = repo.info("/m").unwrap();
        assert_eq!((info.main.as_str(), info.version.as_str()), ("/x.js", "5"));
    });
}

#[test]
fn deleting_removes_the_derivation_tree_and_its_contents() {
    on_both_backends(|repo| {
        repo.create("/hello", None, None, None).unwrap();
        repo.write_file("/hello", "/lib.js", b"L").unwrap();
        repo.publish("/hello", "1").unwrap();
        repo.create("/d1", Some("/hello"), None, None).unwrap();
        repo.create("/d2", Some("/d1"), None, None).unwrap();
        repo.create("/other", None, None, None).unwrap();
        repo.write_file("/d2", "/x.js", b"x").unwrap();
        repo.publish("/d1", "1").unwrap();
        repo.publish("/d2", "1").unwrap();

        assert_eq!(repo.delete("/d1").unwrap(), strings(&["/d1", "/d2"]));
        assert_eq!(repo.list(""), strings(&["/hello", "/other"]));
        assert!(repo.info("/hello").unwrap().derived.is_empty());
        assert_eq!(repo.manifest("/d1"), None);
        assert_eq!(repo.published_file("/d1", "/main.js"), None);
        assert_eq!(repo.read_file("/d2", "/x.js"), None);

        assert_eq!(repo.delete("hello").unwrap(), strings(&["/hello"]));
        assert_eq!(repo.delete("/other").unwrap(), strings(&["/other"]));
        assert!(repo.list("").is_empty());
        assert_eq!(repo.stored_blobs(), 0, "every content is freed with its last reference");

        // A codebase made again under the same name starts afresh.
        repo.create("/d1", None, None, None).unwrap();
        assert_eq!(repo.manifest("/d1"), None);
        assert_eq!(repo.info("/d1").unwrap().files, strings(&["/main.js"]));
    });
}

#[test]
fn nested_codebase_paths_list_and_locate() {
    on_both_backends(|repo| {
        repo.create("/a", None, None, None).unwrap();
        repo.create("/a/b", None, None, None).unwrap();
        repo.create("/ab", None, None, None).unwrap();
        assert_eq!(repo.list(""), strings(&["/a", "/a/b", "/ab"]));
        assert_eq!(repo.list("/a/"), strings(&["/a/b"]));
        assert_eq!(repo.locate("/a/b/main.js"), Some(("/a/b".to_string(), "/main.js".to_string())));
        assert_eq!(repo.locate("/a/c/main.js"), Some(("/a".to_string(), "/c/main.js".to_string())));
        assert_eq!(repo.locate("/ab/x.js"), Some(("/ab".to_string(), "/x.js".to_string())));
        assert_eq!(repo.locate("/zz/x.js"), None);
        assert_eq!(repo.locate("/a/"), None);
        assert_eq!(repo.locate("/a"), None);
    });
}

#[test]
fn reopening_a_directory_keeps_everything() {
    let dir = TempDir::new("reopen");
    let snapshot = |repo: &Repo| {
        let mut out = Vec::new();
        for cb in repo.list("") {
            out.push(format!("{:?}", repo.info(&cb)));
            out.push(format!("{:?}", repo.manifest(&cb)));
            let info = repo.info(&cb).unwrap();
            for f in info.files.iter().chain(&info.edit_files).chain(&info.base_files) {
                out.push(format!("{cb}{f} {:?} {:?}", repo.read_file(&cb, f), repo.published_file(&cb, f)));
            }
            out.push(format!("{:?}", repo.published_file(&cb, ETAGS_FILE)));
        }
        out
    };
    let before = {
        let mut repo = Repo::open(dir.path()).unwrap();
        repo.create("/hello", None, None, None).unwrap();
        repo.write_file("/hello", "/lib.js", b"L1").unwrap();
        repo.publish("/hello", "1").unwrap();
        repo.create("/d", Some("/hello"), None, None).unwrap();
        repo.write_file("/d", "/own.js", b"own").unwrap();
        repo.publish("/d", "1").unwrap();
        repo.write_file("/d", "/pending.js", &[0, 159, 146, 150]).unwrap();
        repo.erase_file("/d", "/own.js").unwrap();
        repo.set_main("/hello", "/lib.js").unwrap();
        snapshot(&repo)
    };
    let mut repo = Repo::open(dir.path()).unwrap();
    assert_eq!(snapshot(&repo), before);
    assert_eq!(repo.read_file("/d", "/pending.js"), Some(vec![0, 159, 146, 150]));
    // The etag serial goes on from where it was: a new publish never repeats an old etag.
    let old = repo.manifest("/hello").unwrap().etag;
    repo.publish("/hello", "1").unwrap();
    assert_ne!(repo.manifest("/hello").unwrap().etag, old);
}

#[test]
fn opening_creates_missing_directories() {
    let dir = TempDir::new("nested");
    let deep = dir.path().join("a/b");
    let mut repo = Repo::open(&deep).unwrap();
    repo.create("/x", None, None, None).unwrap();
    assert!(deep.join(pipy_repo::DB_FILE).is_file());
}

#[test]
fn the_repo_can_move_between_threads() {
    fn is_send<T: Send>() {}
    is_send::<Repo>();
    let repo = std::sync::Mutex::new(Repo::in_memory());
    std::thread::scope(|s| {
        s.spawn(|| repo.lock().unwrap().create("/t", None, None, None).unwrap());
    });
    assert_eq!(repo.lock().unwrap().list(""), strings(&["/t"]));
}
