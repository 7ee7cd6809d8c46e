"""content_delta restricted to the repositories of earlier rounds that name a MySQL, MariaDB or PostgreSQL image."""
import os, re, subprocess, sys
before, after, rounds = sys.argv[1], sys.argv[2], sys.argv[3:]
pat = re.compile(r"image:\s*[\"']?(?:docker\.io/)?(?:library/)?(?:mysql|mariadb|postgres)(?:[:@\"'\s]|$)", re.M)
sys.path.insert(0, "/work/notes/s33")
import importlib.util
spec = importlib.util.spec_from_file_location("cd", "/work/notes/s33/content_delta.py")
src = open("/work/notes/s33/content_delta.py").read()
run_src = src.split("total = 0")[0].split("before, after, rounds = sys.argv[1], sys.argv[2], sys.argv[3:]")[1]
ns = {}
exec("import json, os, subprocess, sys, tempfile\n" + run_src, ns)
run = ns["run"]
total = 0
for rd in rounds:
    base = os.path.join(rd, "heldout")
    if not os.path.isdir(base):
        continue
    for repo in sorted(os.listdir(base)):
        folder = os.path.join(base, repo)
        hit = False
        for dp, dn, fn in os.walk(folder):
            for f in fn:
                if f.endswith((".yaml", ".yml", ".json")):
                    try:
                        if pat.search(open(os.path.join(dp, f), errors="replace").read()):
                            hit = True; break
                    except OSError:
                        pass
            if hit: break
        if not hit:
            continue
        a, b = run(before, folder), run(after, folder)
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k) != b.get(k):
                total += 1
                fa, sa = a.get(k, ([], None)); fb, sb = b.get(k, ([], None))
                new = [m for m in fb if m not in fa]; gone = [m for m in fa if m not in fb]
                print(f"{os.path.basename(rd)} {repo} {k[0]}:{k[3]} {k[1]} {k[2]}", flush=True)
                for m in new: print("   +", m[0], (m[1] or "")[:160], flush=True)
                for m in gone: print("   -", m[0], (m[1] or "")[:160], flush=True)
                if sa != sb: print("   rewrite differs", flush=True)
print("differences:", total)
