//! The token in the real OS keyring (the Secret Service). Needs a session bus with an
//! unlocked gnome-keyring: run through `scripts/keyring-test.sh`.

use korrigo_sync::{KeyringTokens, Profile, TokenStore};

#[test]
#[ignore = "needs an unlocked Secret Service: run scripts/keyring-test.sh"]
fn keyring_keeps_each_profiles_token_apart_and_forgets_it_on_logout() {
    let a = Profile {
        name: "default".into(),
        server_url: "https://a.example.org".into(),
        data_dir: "/tmp/a".into(),
    };
    let b = Profile {
        name: "lycee-b".into(),
        server_url: "https://b.example.org".into(),
        data_dir: "/tmp/b".into(),
    };
    let tokens = KeyringTokens;
    tokens.delete(&a).unwrap();
    tokens.delete(&b).unwrap();
    assert_eq!(tokens.get(&a).unwrap(), None);
    tokens.set(&a, "token-a").unwrap();
    tokens.set(&b, "token-b").unwrap();
    assert_eq!(tokens.get(&a).unwrap().as_deref(), Some("token-a"));
    assert_eq!(tokens.get(&b).unwrap().as_deref(), Some("token-b"));
    tokens.set(&a, "token-a2").unwrap();
    assert_eq!(tokens.get(&a).unwrap().as_deref(), Some("token-a2"));
    tokens.delete(&a).unwrap();
    assert_eq!(tokens.get(&a).unwrap(), None);
    assert_eq!(tokens.get(&b).unwrap().as_deref(), Some("token-b"));
    tokens.delete(&b).unwrap();
    tokens.delete(&b).unwrap();
}
