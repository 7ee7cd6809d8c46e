"""Which findings and rewrites change between two checkouts of pod-advisor, on the repositories of earlier blind rounds
that name a MySQL, MariaDB or PostgreSQL image (how round 22t found the password case's findings on the tuning half).

    python bench/blind/round22t/db_delta.py BEFORE AFTER /work/blind11 /work/blind18 ...

BEFORE and AFTER are checkouts (a `git archive` each); each ROUND folder holds heldout/OWNER+NAME. Each repository is
reviewed as the rounds review it (`review . --format json --fail-on never -j 1 --suggest`, an empty cache each time).
"""
import json, os, re, subprocess, sys, tempfile

before, after, rounds = sys.argv[1], sys.argv[2], sys.argv[3:]

REVIEW = ["review", ".", "--format", "json", "--fail-on", "never", "-j", "1", "--suggest"]
TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools", "bin")


def run(src: str, folder: str) -> dict:
    """(file, kind, name, line) -> (its findings as (id, message), its rewrite) of ``folder`` reviewed by ``src``."""
    env = dict(os.environ, PYTHONPATH=src, PATH=TOOLS + os.pathsep + os.environ["PATH"],
               XDG_CACHE_HOME=tempfile.mkdtemp())
    done = subprocess.run([sys.executable, "-m", "advisor", *REVIEW], cwd=folder, env=env, capture_output=True,
                          text=True)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return {}
    messages: dict = {}
    for finding in report.get("findings", []):
        o = finding.get("object") or {}
        key = (o.get("file"), o.get("kind"), o.get("name"), o.get("line"))
        messages.setdefault(key, []).append((finding["id"], finding.get("message")))
    return {(o["file"], o["kind"], o["name"], o.get("line")):
            (sorted(messages.get((o["file"], o["kind"], o["name"], o.get("line")), [])), o.get("suggestion"))
            for o in report.get("objects", [])}


IMAGE = re.compile(r"image:\s*[\"']?(?:docker\.io/)?(?:library/)?(?:mysql|mariadb|postgres)(?:[:@\"'\s]|$)", re.M)


def names_a_database(folder: str) -> bool:
    for path, _, files in os.walk(folder):
        for name in files:
            if name.endswith((".yaml", ".yml", ".json")):
                try:
                    with open(os.path.join(path, name), errors="replace") as handle:
                        if IMAGE.search(handle.read()):
                            return True
                except OSError:
                    pass
    return False


total = 0
for rd in rounds:
    base = os.path.join(rd, "heldout")
    if not os.path.isdir(base):
        continue
    for repo in sorted(os.listdir(base)):
        folder = os.path.join(base, repo)
        if not names_a_database(folder):
            continue
        a, b = run(before, folder), run(after, folder)
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k) != b.get(k):
                total += 1
                fa, sa = a.get(k, ([], None))
                fb, sb = b.get(k, ([], None))
                print(f"{os.path.basename(rd)} {repo} {k[0]}:{k[3]} {k[1]} {k[2]}", flush=True)
                for m in (m for m in fb if m not in fa):
                    print("   +", m[0], (m[1] or "")[:160], flush=True)
                for m in (m for m in fa if m not in fb):
                    print("   -", m[0], (m[1] or "")[:160], flush=True)
                if sa != sb:
                    print("   rewrite differs", flush=True)
print("differences:", total)
