#!/usr/bin/env python3
"""Golden KTOF fixtures from the Kaizen service's codec (the official Python `toon_format`).

    python3 scripts/ktof-fixtures.py corpus      # rebuild packages/engine/test/fixtures/ktof/corpus.json
    python3 scripts/ktof-fixtures.py reference   # run the reference over the corpus
    python3 scripts/ktof-fixtures.py nested      # arrays in arrays: candidate layouts, both snapshots

`corpus` writes the committed corpus: hand-picked edge cases (every string class the engine
and the service have disagreed on, numbers, keys, empty containers, nesting, tabular / list /
mixed arrays, arrays of arrays), a seeded random sample, and the repository's own JSON files,
each paired with encode options (delimiter, indent, length marker). It is deterministic.

`reference` encodes every corpus value with the `main` snapshot of toon-python in
../shared/reference/toon-python/ (override with TOON_PYTHON), decodes that text again with
`main` and with `release_0.9.0-beta.2`, has `main` decode the engine's own KTOF for the same
case (`npx tsx scripts/ktof-fidelity.ts --emit`), and writes packages/engine/test/fixtures/ktof/reference.json. Each
snapshot runs in its own interpreter (both are the package `toon_format`). The tests only read
the JSON files: they never run Python.
"""
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, "packages", "engine", "test", "fixtures", "ktof")
CORPUS = os.path.join(FIXTURES, "corpus.json")
REFERENCE = os.path.join(FIXTURES, "reference.json")
TOON_PYTHON = os.environ.get(
    "TOON_PYTHON", os.path.join(ROOT, "..", "shared", "reference", "toon-python")
)
SNAPSHOTS = {"main": "main", "beta2": "release_0.9.0-beta.2"}

# ---------------------------------------------------------------------------------------------
# The corpus

SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85",
          "\xa0", "\u1680", "\u2000", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f",
          "\u3000", "\ufeff", "\u200b"]
CONTROLS = [chr(c) for c in range(0x00, 0x20)] + ["\x7f"]
SYNTAX = [":", ",", "|", "[", "]", "{", "}", "\"", "\\", "-", "#", "- ", "[3]:", "a: b",
          "[#2]", "{x}", "k[2]: a", "@", "'", "`", "/", "*", "!", "?", "=", "&", "%", "$"]
NUMBERISH = ["0", "1", "-1", "01", "-01", "00", "0.5", ".5", "5.", "+1", "1e5", "1E5",
             "1e-5", "-0", "0.0", "1_000", "1.5e+3", "Infinity", "-Infinity", "NaN", "inf",
             "nan", "0x1F", "1,000", "\u0661\u0662", "\uff11", "\u00b2", "\u2167", "12abc",
             "1 2", "true", "false", "null", "True", "NULL", "TRUE", "yes"]
WORDS = ["", "a", "hello", "hello world", "caf\u00e9", "\u540d\u524d", "\U0001f600",
         "\U0001f468\u200d\U0001f469\u200d\U0001f467", "e\u0301", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
         "\u017f", "\u212a", "x" * 120]
KEYS = ["a", "_x", "a.b", "A1", "a_b.c", "1a", "a-b", "a b", "", " ", "-", "#", "a:b",
        "a,b", "a|b", "a\tb", "a\nb", "\"q\"", "\\", "[0]", "{k}", "\u540d\u524d", "caf\u00e9",
        "\u017f", "\u212a", "\u00b2", "a\ufeff", "\ufeffa", "a\x85", "a\x01", "true", "123",
        "a\u0301", "\U0001f600"]
NUMBERS = ["0", "1", "-1", "42", "-7", "3.14", "-0.5", "1.5", "0.1", "100", "1e3", "1e21",
           "1e22", "1.5e-7", "1e-7", "123456789", "9007199254740991", "9007199254740993",
           "12345678901234567890", "1e300", "-1.7976931348623157e308", "5e-324", "0.000001",
           "1e-6", "2.5e-5", "1.0", "-0", "-0.0", "0.30000000000000004", "1e16", "1.7e16",
           "123456.789e3", "1E2", "100000000000000000000", "999999999999999999999"]


def string_cases():
    out = []
    for s in SPACES:
        for shape in ("{s}", "a{s}", "{s}a", "a{s}b", "{s}{s}"):
            out.append(shape.replace("{s}", s))
    for c in CONTROLS:
        out.extend([c, "a" + c + "b", c + "a"])
    for s in SYNTAX:
        out.extend([s, "a" + s + "b", s + "a"])
    out.extend(NUMBERISH)
    out.extend(["-" + n for n in NUMBERISH[:6]])
    out.extend(WORDS)
    return out


def objects_of(strings):
    return [{"k": s} for s in strings]


def structures():
    out = [
        {}, [], {"a": {}}, {"a": []}, [[]], [{}], [{}, {}], {"a": [[]]}, [[], []],
        {"a": 1, "b": "x", "c": True, "d": None, "e": False},
        {"a": {"b": {"c": {"d": {"e": 1}}}}},
        [1, 2, 3], ["a", "b", "c"], [1, "a", True, None], {"tags": ["x", "y", ""]},
        [[1, 2], [3, 4]], [[1], [], ["a", "b"]], {"m": [[1, 2], ["x"]]},
        [[[1]]], [[{"a": 1}]], [[1], [[2]]], {"a": [[[]]]},
        [{"a": 1, "b": 2}, {"a": 3, "b": 4}],
        [{"a": 1, "b": 2}, {"b": 4, "a": 3}],
        [{"a": 1}, {"b": 2}], [{"a": 1}, 2, "x"], [{"a": [1, 2]}, {"a": [3]}],
        [{"a": {"b": 1}}], [{"a": {"b": 1}, "c": 2}], [{"a": {}, "c": 2}],
        [{"rows": [{"a": 1}, {"a": 2}], "id": 1}],
        [{"items": [{"a": 1}, {"b": 2}], "id": 1}],
        [{"meta": {"k": "v"}, "id": 1}],
        [{"grid": [[1, 2], [3]], "id": 1}],
        [{"grid": [[1, 2], [3]]}],
        [{"rows": [{"a": 1}], "id": 1}, {"rows": [{"a": 2}], "id": 2}],
        [{"rows": [{"a": {"deep": 1}}], "id": 1}],
        [{"rows": [], "id": 1}], [{"tags": ["a", "b"], "id": 1}],
        {"users": [{"id": 1, "name": "Ada", "roles": ["admin"]}, {"id": 2, "name": "Grace", "roles": []}]},
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello, world"}]},
        {"": 1}, {"": {"a": 1}}, {"": [1, 2]}, {"": [{"a": 1}]}, [{"": 1}], [{"": {"a": 1}}],
        {"a": [{"b": [{"c": [{"d": 1}]}]}]},
        [{"a": 1, "b": [{"c": 1}, {"c": 2}]}, {"a": 2, "b": []}],
        {"x": [{"y": [1, 2]}, {"y": [3]}]},
        [[{"a": 1}, {"a": 2}], [{"a": 3}]],
        [1, [2, 3], {"a": 4}, [], {}],
        [{"a": [{"b": 1}, {"b": 2}], "c": {"d": [1]}}],
    ]
    return out


def random_value(rng, depth):
    kind = rng.random()
    if depth <= 0 or kind < 0.45:
        pick = rng.random()
        if pick < 0.4:
            return rng.choice(string_cases())
        if pick < 0.7:
            return json.loads(rng.choice(NUMBERS))
        return rng.choice([True, False, None])
    if kind < 0.7:
        n = rng.randint(0, 4)
        if rng.random() < 0.4:
            keys = rng.sample(["a", "b", "id", "name", "x y"], 3)
            return [{k: random_value(rng, 0) for k in keys} for _ in range(n)]
        return [random_value(rng, depth - 1) for _ in range(n)]
    n = rng.randint(0, 4)
    return {rng.choice(KEYS + ["id", "name", "data"]): random_value(rng, depth - 1) for _ in range(n)}


def real_files():
    out = []
    for rel in ["package.json", "tsconfig.json", "typedoc.json", "test/fixtures/openapi.json"]:
        path = os.path.join(ROOT, rel)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
        out.append((rel, value))
        if isinstance(value, dict):
            for key, part in value.items():
                out.append((f"{rel}#{key}", part))
    return out


OPTIONS = [
    {"indent": i, "delimiter": d, "lengthMarker": m}
    for d in [",", "\t", "|"] for i in [2, 1, 4] for m in [False, "#"]
]


def build_corpus():
    cases = []

    def add(group, value, options=None, raw=None):
        text = raw if raw is not None else json.dumps(value, ensure_ascii=False)
        opts = options if options is not None else OPTIONS[len(cases) % len(OPTIONS)]
        cases.append({"id": f"{group}-{len(cases)}", "json": text, "options": opts})

    for s in string_cases():
        add("string", s, OPTIONS[0])
        add("value", {"k": s})
    for s in string_cases()[::3]:
        add("row", [{"a": s, "b": 1}, {"a": "x", "b": 2}])
        add("inline", ["x", s, "y"])
    for k in KEYS:
        add("key", {k: 1})
        add("key-nested", {k: {"v": [1, 2]}})
        add("field", [{k: 1, "z": 2}, {k: 3, "z": 4}])
    for n in NUMBERS:
        add("number", None, OPTIONS[0], raw=n)
        add("number-field", None, raw='{"n": ' + n + ', "list": [' + n + ', 1]}')
    for value in structures():
        for options in OPTIONS[::3]:
            add("structure", value, options)
    rng = random.Random(20260522)
    for _ in range(150):
        add("random", random_value(rng, 4))
    for name, value in real_files():
        add("file:" + name, value)
    return cases


# ---------------------------------------------------------------------------------------------
# The reference run


def worker(mode):
    """Runs inside one snapshot's interpreter: cases on stdin, results on stdout."""
    import toon_format

    cases = json.load(sys.stdin)
    results = []
    for case in cases:
        options = case["options"]
        result = {}
        if mode == "encode":
            value = json.loads(case["json"])
            try:
                result["ktof"] = toon_format.encode(value, options)
            except Exception as error:  # the reference's own failure, recorded as such
                result["encodeError"] = f"{type(error).__name__}: {error}"
            results.append(result)
            continue
        text = case.get("ktof")
        if text is None:
            results.append(result)
            continue
        try:
            decoded = toon_format.decode(text, toon_format.DecodeOptions(indent=options["indent"], strict=True))
            result["decoded"] = json.dumps(decoded, ensure_ascii=False)
        except Exception as error:
            result["decodeError"] = f"{type(error).__name__}: {error}"
        results.append(result)
    json.dump(results, sys.stdout)


def run_snapshot(snapshot, mode, cases):
    env = dict(os.environ, PYTHONPATH=os.path.join(TOON_PYTHON, SNAPSHOTS[snapshot], "src"))
    answer = subprocess.run(
        [sys.executable, __file__, "worker", mode], input=json.dumps(cases), env=env,
        capture_output=True, text=True, check=True,
    )
    return json.loads(answer.stdout)


def same(a, b):
    """JSON equality as the engine sees it: numbers as doubles, booleans never numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def snapshot_commit(snapshot):
    path = os.path.join(TOON_PYTHON, SNAPSHOTS[snapshot], "pyproject.toml")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("version"):
                return line.split("=", 1)[1].strip().strip('"')
    return "unknown"


def build_reference():
    with open(CORPUS, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    encoded = run_snapshot("main", "encode", cases)
    for case, result in zip(cases, encoded):
        case.update(result)
    readings = {name: run_snapshot(name, "decode", cases) for name in SNAPSHOTS}
    # What the engine writes, and how the reference reads that.
    engine = json.loads(subprocess.run(
        ["npx", "tsx", os.path.join(HERE, "ktof-fidelity.ts"), "--emit"], cwd=ROOT,
        capture_output=True, text=True, check=True,
    ).stdout)
    engine_cases = [dict(case, ktof=e.get("engineKtof")) for case, e in zip(cases, engine)]
    engine_readings = run_snapshot("main", "decode", engine_cases)
    out = []
    for i, case in enumerate(cases):
        entry = dict(case)
        value = json.loads(case["json"])
        for name, results in readings.items():
            result = results[i]
            suffix = "" if name == "main" else "Beta2"
            if "decoded" in result:
                entry["decoded" + suffix] = result["decoded"]
                entry["roundTrips" + suffix] = same(json.loads(result["decoded"]), value)
            else:
                entry["roundTrips" + suffix] = False
                if "decodeError" in result:
                    entry["decodeError" + suffix] = result["decodeError"]
        if engine[i].get("engineKtof") is not None:  # absent where the engine refuses (rule 8)
            entry["engineKtof"] = engine[i]["engineKtof"]
        reading = engine_readings[i]
        entry["engineRoundTrips"] = "decoded" in reading and same(json.loads(reading["decoded"]), value)
        if not entry["engineRoundTrips"]:
            entry["engineDecoded"] = reading.get("decoded") or reading.get("decodeError")
        out.append(entry)
    document = {
        "origin": {
            "generator": "scripts/ktof-fixtures.py reference",
            "reference": "toon-python main (github.com/toon-format/toon-python at e475c82, labelled "
            + snapshot_commit("main") + "), MIT licence",
            "alsoDecodedWith": "toon-python release_0.9.0-beta.2 (" + snapshot_commit("beta2") + ")",
            "python": sys.version.split()[0],
        },
        "cases": out,
    }
    with open(REFERENCE, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=1)
        f.write("\n")
    total = len(out)
    self_rt = sum(1 for e in out if e["roundTrips"])
    print(f"{total} cases; the reference (main) round-trips {self_rt} of them itself")


# ---------------------------------------------------------------------------------------------
# Arrays in arrays (dialect rule 8)

NESTED_SHAPES = [
    ("primitive", [[1, 2], [3]]), ("primitive", [["x", "y z"], [True, None]]),
    ("primitive", {"m": [[1], [2, 3]]}), ("primitive", [{"g": [[1, 2], [3]], "id": 1}]),
    ("primitive", [[1, 2], "x", {"a": 1}]),
    ("empty", [[]]), ("empty", [[], []]), ("empty", {"m": [[], [1]]}),
    ("object", [[{"a": 1}]]), ("object", {"m": [[{"a": 1}], [{"a": 2}, {"b": 3}]]}),
    ("object", [[{"a": 1}, {"a": 2}], [{"a": 3}]]), ("object", [[{"a": 1, "b": [1, 2]}]]),
    ("object", [{"g": [[{"a": 1}]]}]),
    ("mixed", [[1, {"a": 2}]]), ("mixed", [[{"a": 1}, [2]]]), ("mixed", [[1, [2]]]),
    ("mixed", [[1], [[2]]]), ("mixed", [["-", {"a": 1}]]),
    ("depth3", [[[1]]]), ("depth3", [[[1, 2], [3]]]), ("depth3", [[[]]]), ("depth3", {"a": [[[]]]}),
    ("depth3", [[[{"a": 1}]]]),
    ("depth4", [[[[1]]]]), ("depth4", [[[[]]]]), ("depth4", {"m": [[[[1, 2]]]]}),
    ("depth4", [[[[{"a": 1}]]]]),
]
NESTED_OPTIONS = [OPTIONS[0], {"indent": 4, "delimiter": "|", "lengthMarker": "#"},
                  {"indent": 1, "delimiter": "\t", "lengthMarker": False}]


def is_prim(v):
    return not isinstance(v, (list, dict))


def prim(v, o):
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, str):
        return v if v not in ("", "-") and v == v.strip() and o["delimiter"] not in v else json.dumps(v)
    return str(v)


class Layout:
    """The shapes above in the spec's layout (the engine's, rules 6-7), arrays in arrays with
    their items `shift` levels below `- [N]:` (1 is the spec's)."""

    def __init__(self, o, shift, loud=False):
        self.o, self.shift, self.loud, self.lines = o, shift, loud, []

    def put(self, depth, text):
        self.lines.append(" " * (depth * self.o["indent"]) + text)

    def header(self, key, n, fields=None):
        d = self.o["delimiter"]
        mark = "#" if self.o["lengthMarker"] else ""
        return f"{key or ''}[{mark}{n}{'' if d == ',' else d}]" + ("{" + d.join(fields) + "}" if fields else "") + ":"

    def inline(self, key, items):
        h = self.header(key, len(items))
        return h + (" " + self.o["delimiter"].join(prim(x, self.o) for x in items) if items else "")

    def value(self, v, depth):
        if isinstance(v, list):
            self.array(None, v, depth)
        else:
            for k, x in v.items():
                self.field(k, x, depth)

    def field(self, k, v, depth):
        if is_prim(v):
            self.put(depth, f"{k}: {prim(v, self.o)}")
        elif isinstance(v, list):
            self.array(k, v, depth)
        else:
            self.put(depth, f"{k}:")
            self.value(v, depth + 1)

    def array(self, key, items, depth):
        if all(is_prim(x) for x in items):
            return self.put(depth, self.inline(key, items))
        if all(isinstance(x, dict) and x and all(is_prim(y) for y in x.values()) for x in items) and \
                all(x.keys() == items[0].keys() for x in items):
            self.put(depth, self.header(key, len(items), list(items[0])))
            for x in items:
                self.put(depth + 1, self.o["delimiter"].join(prim(x[f], self.o) for f in items[0]))
            return
        self.put(depth, self.header(key, len(items)))
        for x in items:
            self.item(x, depth + 1)

    def item(self, v, depth):
        if is_prim(v):
            return self.put(depth, "- " + prim(v, self.o))
        if isinstance(v, list):
            if all(is_prim(x) for x in v):
                return self.put(depth, "- " + self.inline(None, v))
            if self.loud:  # rule 8: a blank line, indented as the item, before it
                self.put(depth, "")
            self.put(depth, "- " + self.header(None, len(v)))
            for x in v:
                self.item(x, depth + self.shift)
            return
        keys = list(v)
        first = v[keys[0]]
        if isinstance(first, list) and not all(is_prim(x) for x in first):
            self.put(depth, "- " + self.header(keys[0], len(first)))
            for x in first:
                self.item(x, depth + 2)
        elif isinstance(first, list):
            self.put(depth, "- " + self.inline(keys[0], first))
        else:
            self.put(depth, f"- {keys[0]}: {prim(first, self.o)}")
        for k in keys[1:]:
            self.field(k, v[k], depth + 1)


def layout(value, o, shift, loud=False):
    w = Layout(o, shift, loud)
    w.value(value, 0)
    return "\n".join(w.lines)


def build_nested():
    """Each shape in the candidate layouts, decoded by both snapshots (strict, as the service):
    the spec's (`- [N]:`, items one level deeper), items two levels deeper, the reference's own,
    and `loud` (the spec's with a blank line before each array item of objects or arrays)."""
    cases = []
    for n, (shape, value) in enumerate(NESTED_SHAPES):
        for o in NESTED_OPTIONS:
            candidates = {"spec": layout(value, o, 1), "deeper": layout(value, o, 2),
                          "loud": layout(value, o, 1, True)}
            cases.append({"id": f"nested-{shape}-{len(cases)}", "shape": shape, "json": json.dumps(value),
                          "options": o, "candidates": candidates, "arrayInArrayAt": array_in_array(value, "")})
    encoded = run_snapshot("main", "encode", cases)
    for case, result in zip(cases, encoded):
        case["candidates"]["reference"] = result.get("ktof")
    for snapshot in SNAPSHOTS:
        for name in ("spec", "deeper", "reference", "loud"):
            results = run_snapshot(snapshot, "decode", [dict(c, ktof=c["candidates"][name]) for c in cases])
            for case, result in zip(cases, results):
                reading = case.setdefault("readings", {}).setdefault(name, {})
                if "decoded" in result:
                    reading[snapshot] = result["decoded"]
                    reading[snapshot + "Exact"] = same(json.loads(result["decoded"]), json.loads(case["json"]))
                else:
                    reading[snapshot] = result.get("decodeError")
                    reading[snapshot + "Exact"] = False
    for case in cases:
        # A layout "works" when both snapshots read it back exactly.
        case["works"] = [name for name, r in case["readings"].items() if r["mainExact"] and r["beta2Exact"]]
    path = os.path.join(FIXTURES, "nested.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"origin": {"generator": "scripts/ktof-fixtures.py nested",
                              "reference": "toon-python main " + snapshot_commit("main") + " and release_0.9.0-beta.2 "
                              + snapshot_commit("beta2"), "python": sys.version.split()[0]},
                   "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for case in cases:
        print(case["id"], case["json"], case["works"])


def array_in_array(value, path):
    """The path of the first array item that is an array of objects or arrays, or None."""
    if isinstance(value, list):
        for i, x in enumerate(value):
            if isinstance(x, list) and not all(is_prim(y) for y in x):
                return f"{path}[{i}]"
            found = array_in_array(x, f"{path}[{i}]")
            if found:
                return found
    elif isinstance(value, dict):
        for k, x in value.items():
            found = array_in_array(x, f"{path}{'.' if path else ''}{k}")
            if found:
                return found
    return None


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "worker":
        worker(sys.argv[2])
    elif command == "corpus":
        os.makedirs(FIXTURES, exist_ok=True)
        cases = build_corpus()
        with open(CORPUS, "w", encoding="utf-8") as f:
            json.dump({"cases": cases}, f, ensure_ascii=False, indent=1)
            f.write("\n")
        print(f"{len(cases)} corpus cases written to {os.path.relpath(CORPUS, ROOT)}")
    elif command == "reference":
        build_reference()
    elif command == "nested":
        build_nested()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
