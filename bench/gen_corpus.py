#!/usr/bin/env python3
"""Deterministic synthetic source tree for the scopeshift speed benchmark.

    python3 bench/gen_corpus.py --out DIR --size-mb 1024 [--seed 1] [--force]

Python 3.11 standard library only. Everything comes from one seeded
random.Random, so the same --seed and --size-mb give the same bytes.

What the tree holds (sizes scale with --size-mb):

* ~89% tracked text: a mix of projects ("python-service", "web-frontend",
  "go-service", ...) in .py .js .ts .tsx .go .java .kt .rb .php .cs .rs .sh
  .yaml .json .md .env .ipynb .html .css, nested 2-6 directories deep with
  20-40 files per directory, sizes mostly 1-200 KB (log-normal, median ~10 KB)
  and a few 0.5-4 MB files (minified bundles, lock files, fixtures,
  notebooks with images). Hidden files too (.env*, .github/, .vscode/).
  The filler carries other APIs' URLs (`https://api.example.com/v1/items?page=2`,
  `/api/v1/users`), and at a low rate `?key=` on non-Voiso hosts and long hex
  path segments, so a regex set has realistic work to do.
* ~10% ignored bytes: node_modules/, build/ and *.log files (the root
  .gitignore lists them). Some of them hold Voiso URLs that must NOT be
  reported (ignored_decoys).
* ~0.4% binary files (NUL bytes near the start), some containing a Voiso URL
  that must NOT be reported (binary_decoys).
* 50 planted legacy Voiso calls in tracked text files (key in path, `?key=`,
  `curl -G --data-urlencode "key=..."`, Bearer calls to /api/dialer/v1/...),
  plus a few v4 calls that need no finding (clean_v4).
* 20 legacy Voiso calls "built in code" (built_in_code, --built-in N): a base-URL
  constant, then an f-string / Sprintf / String.format / concatenation / Ruby
  interpolation / params map that adds the key a few lines later. Drawn from a
  second Random (seed + BUILT_SEED_OFFSET) into files that hold no other snippet,
  so everything above stays byte-identical for a given seed.

The expected locations are written to DIR/../<basename(DIR)>.planted.json,
outside the tree; it is written last, so its presence means the tree is complete.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import re
import shutil
import sys
import time

# --------------------------------------------------------------------------------------------
# Vocabulary


WORDS = """
account active adapter address agent alert amount api app archive array asset audit auth
author backend balance batch billing block body bucket buffer build bundle cache call
campaign card cart catalog channel chart check child client cluster code column command
comment config connection consumer contact content context cookie count country coupon
cursor customer dashboard data date debug default delivery device digest directory
dispatch document domain draft driver email entry error event export feature feed field
file filter flag form format frame gateway group handler hash header health history host
hook image import index input install invoice item job key label layout lead ledger level
limit line link list loader locale lock log login manager map market media member message
meta metric model module monitor node note notice number offer order owner package page
panel parser partner password path payload payment peer permission phone pipeline plan
policy pool port post preview price printer profile project provider proxy query queue
quota rate reader record redirect region registry release report request resource response
result retry role route rule runner sample schema scope score search secret section
segment sender server service session setting shard shipment signal sink slot snapshot
source span spec state status step storage store stream subscription summary supplier
switch sync table tag target task team template tenant test thread ticket timer token
topic trace track transfer trigger type unit update upload usage user value vendor
version view visit wallet warning webhook widget window worker workspace zone
""".split()
# words that are keywords somewhere (Python, Go, Java, JS, Ruby, Rust): never bare identifiers
WORDS = [w for w in WORDS if w not in {"import", "export", "package", "default", "switch", "type", "map",
                                        "retry", "match", "loop", "use", "static", "final", "end", "in"}]

VERBS = """
get set load save fetch create update delete build parse render handle process validate
sync send read write open close start stop reset merge apply compute resolve register
lookup find filter sort map reduce collect emit dispatch publish subscribe refresh
""".split()

HOSTS = [
    "api.example.com", "api.example.org", "internal.example.net", "auth.example.com",
    "cdn.example.com", "billing.internal.local", "api.github.com", "hooks.slack.com",
    "api.stripe.com", "graph.microsoft.com", "storage.googleapis.com", "api.twilio.com",
    "registry.example.io", "search.example.com", "metrics.example.com", "sso.example.org",
    "orders.svc.cluster.local", "payments.svc.cluster.local", "localhost:8080", "127.0.0.1:3000",
]
KEY_HOSTS = [  # hosts that really take ?key= (so the filler has realistic false-positive work)
    "maps.googleapis.com/maps/api/geocode/json", "www.googleapis.com/youtube/v3/search",
    "api.example.com/v1/search", "translation.googleapis.com/language/translate/v2",
    "api.weather.example.org/data/2.5/forecast", "tiles.example.net/styles/v1/streets",
]
HEX_HOSTS = ["hooks.example.net", "notify.example.io", "events.example.com"]

VOISO_HOSTS = [
    "cc-ams03.voiso.com", "cc-rtm01.voiso.com", "cluster1.voiso.com", "cc-fra02.voiso.com",
    "cc-lon01.voiso.com",
]

LOREM = """
the this that when with from into over under before after while because unless each every
returns value request response handler should must may cannot will would only also already
retry later cached stored remote local default optional required deprecated legacy new old
user client server token field record page item list error timeout limit batch queue
""".split()


class G:
    """Random text helpers over one seeded Random."""

    def __init__(self, rng: random.Random):
        self.r = rng
        self._c = rng.choice
        self._ri = rng.randint

    def w(self) -> str:
        return self._c(WORDS)

    def sn(self) -> str:  # snake_case
        return self._c(WORDS) if self.r.random() < 0.4 else f"{self._c(WORDS)}_{self._c(WORDS)}"

    def cc(self) -> str:  # camelCase
        a = self._c(WORDS)
        return a if self.r.random() < 0.35 else a + self._c(WORDS).capitalize()

    def pc(self) -> str:  # PascalCase
        return self._c(WORDS).capitalize() + self._c(WORDS).capitalize()

    def fn_sn(self) -> str:
        return f"{self._c(VERBS)}_{self.sn()}"

    def fn_cc(self) -> str:
        return self._c(VERBS) + self.pc()

    def const(self) -> str:
        return f"{self._c(WORDS).upper()}_{self._c(WORDS).upper()}"

    def num(self, a: int = 0, b: int = 1000) -> int:
        return self._ri(a, b)

    def hexs(self, n: int) -> str:
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def tok(self, n: int) -> str:
        alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
        return "".join(self.r.choices(alpha, k=n))

    def sentence(self, a: int = 4, b: int = 12) -> str:
        n = self._ri(a, b)
        ws = [self._c(LOREM) if self.r.random() < 0.6 else self._c(WORDS) for _ in range(n)]
        s = " ".join(ws)
        return s[0].upper() + s[1:]

    def path(self) -> str:
        segs = [self._c(WORDS) + "s"]
        if self.r.random() < 0.5:
            segs.append(str(self.num(1, 99999)))
        if self.r.random() < 0.4:
            segs.append(self._c(WORDS) + "s")
        return "/".join(segs)

    def url(self) -> str:
        """A URL of some other API. ~0.6% `?key=`, ~0.2% long hex path segment."""
        x = self.r.random()
        if x < 0.006:
            return f"https://{self._c(KEY_HOSTS)}?key={self.tok(self._ri(24, 39))}&{self.w()}={self.num()}"
        if x < 0.008:
            return f"https://{self._c(HEX_HOSTS)}/api/v1/{self.hexs(self._ri(24, 32))}/{self.w()}s"
        if x < 0.25:
            return f"/api/v{self._ri(1, 3)}/{self.path()}"
        host = self._c(HOSTS)
        scheme = "http" if host.startswith(("localhost", "127.")) else "https"
        u = f"{scheme}://{host}/{'api/' if self.r.random() < 0.5 else ''}v{self._ri(1, 3)}/{self.path()}"
        if self.r.random() < 0.35:
            u += f"?page={self.num(1, 20)}&limit={self._c((10, 20, 50, 100))}"
        return u

    def ver(self) -> str:
        return f"{self._ri(0, 9)}.{self._ri(0, 30)}.{self._ri(0, 20)}"


# --------------------------------------------------------------------------------------------
# Chunk builders: one "block" of each kind of file (a function, a method, a config section ...).
# A file is HEADER + SEP.join(chunks) + FOOTER; planted snippets are inserted as whole chunks.


def indent(text: str, n: int) -> str:
    pad = " " * n
    return "\n".join(pad + ln if ln else ln for ln in text.split("\n"))


def _stmts(g: G, bank, lo: int, hi: int) -> list[str]:
    return [g._c(bank)(g) for _ in range(g.num(lo, hi))]


# --- Python
def _py_for(g):
    x = g.sn()
    return f"for {x} in {g.sn()}:\n    {g.sn()}.append({x})"


PY_STMTS = [
    lambda g: f"{g.sn()} = {g.sn()}.{g.fn_sn()}({g.sn()}, {g.num()})",
    lambda g: f"if {g.sn()} is None:\n    return {g.sn()}",
    lambda g: f'resp = self.session.get("{g.url()}", timeout={g.num(5, 60)})\nresp.raise_for_status()',
    lambda g: f'logger.info("{g.sentence()}: %s", {g.sn()})',
    lambda g: f"# {g.sentence()}",
    _py_for,
    lambda g: f'{g.sn()} = {{"{g.w()}": {g.num()}, "{g.w()}": "{g.sentence(2, 5)}"}}',
    lambda g: f'cache_key = f"{g.w()}:{{{g.sn()}}}:{g.num()}"',
    lambda g: f"try:\n    {g.sn()} = {g.fn_sn()}({g.sn()})\nexcept {g.pc()}Error as exc:\n    raise {g.pc()}Error(\"{g.sentence(3, 6)}\") from exc",
    lambda g: f'url = "{g.url()}"',
    lambda g: f"with open({g.sn()}, \"r\", encoding=\"utf-8\") as fh:\n    {g.sn()} = json.load(fh)",
    lambda g: f"{g.sn()} = [{g.sn()} for {g.w()} in {g.sn()} if {g.w()}.{g.w()} > {g.num()}]",
]


def py_block(g: G) -> str:
    if g.r.random() < 0.2:
        cls = g.pc()
        meths = []
        for _ in range(g.num(1, 4)):
            body = "\n".join(_stmts(g, PY_STMTS, 2, 7)) + f"\nreturn {g.sn()}"
            meths.append(f"def {g.fn_sn()}(self, {g.sn()}, {g.sn()}=None):\n"
                         f'    """{g.sentence()}."""\n{indent(body, 4)}')
        return f"class {cls}({g.pc()}):\n    \"\"\"{g.sentence()}.\"\"\"\n\n" + "\n\n".join(indent(m, 4) for m in meths) + "\n\n\n"
    body = "\n".join(_stmts(g, PY_STMTS, 3, 10)) + f"\nreturn {g.sn()}"
    return (f"def {g.fn_sn()}({g.sn()}, {g.sn()}: int = {g.num(0, 100)}):\n"
            f'    """{g.sentence()}.\n\n    {g.sentence(6, 14)}.\n    """\n{indent(body, 4)}\n\n\n')


def py_header(g: G) -> str:
    mods = g.r.sample(["os", "sys", "json", "logging", "time", "re", "typing", "dataclasses",
                       "pathlib", "requests", "datetime", "functools", "itertools"], g.num(3, 7))
    return (f'"""{g.sentence()}."""\n\n' + "".join(f"import {m}\n" for m in sorted(mods))
            + f"\nfrom .{g.w()} import {g.pc()}, {g.fn_sn()}\n\nlogger = logging.getLogger(__name__)\n\n\n")


# --- JavaScript / TypeScript / TSX
JS_STMTS = [
    lambda g: f"const {g.cc()} = await {g.fn_cc()}({g.cc()}, {g.num()});",
    lambda g: f"if (!{g.cc()}) {{\n  return {g.cc()};\n}}",
    lambda g: f"const {g.cc()}Res = await fetch(`{g.url()}`, {{ headers: {{ Accept: 'application/json' }} }});",
    lambda g: f"// {g.sentence()}",
    lambda g: f"logger.debug('{g.sentence()}', {{ {g.cc()}, {g.cc()} }});",
    lambda g: f"for (const {g.w()} of {g.cc()}) {{\n  {g.cc()}.push({g.w()}.{g.cc()});\n}}",
    lambda g: f"const {g.cc()} = {{ {g.w()}: {g.num()}, {g.w()}: '{g.sentence(2, 5)}', {g.w()}: {str(g.r.random() < 0.5).lower()} }};",
    lambda g: f"const {g.cc()}Url = new URL('{g.url()}', baseUrl);",
    lambda g: f"try {{\n  {g.cc()} = JSON.parse({g.cc()});\n}} catch (err) {{\n  throw new Error(`{g.sentence(3, 6)}: ${{err.message}}`);\n}}",
    lambda g: f"const {g.cc()} = {g.cc()}.filter((x) => x.{g.cc()} > {g.num()}).map((x) => x.{g.w()});",
    lambda g: f"cache.set(`{g.w()}:${{{g.cc()}}}`, {g.cc()}, {{ ttl: {g.num(10, 3600)} }});",
]


def js_block(g: G) -> str:
    body = "\n".join(_stmts(g, JS_STMTS, 3, 10)) + f"\nreturn {g.cc()};"
    exp = "export " if g.r.random() < 0.6 else ""
    doc = f"/**\n * {g.sentence()}.\n * @param {{string}} {g.cc()}\n */\n" if g.r.random() < 0.5 else ""
    return f"{doc}{exp}async function {g.fn_cc()}({g.cc()}, {g.cc()} = {{}}) {{\n{indent(body, 2)}\n}}\n\n"


def js_header(g: G) -> str:
    imps = "".join(f"import {{ {g.fn_cc()}, {g.cc()} }} from '{g.r.choice(['./', '../', '@app/'])}{g.w()}';\n"
                   for _ in range(g.num(2, 6)))
    return f"'use strict';\n\n{imps}\nconst baseUrl = process.env.{g.const()}_URL || '{g.url()}';\n\n"


TS_TYPES = ["string", "number", "boolean", "string[]", "Record<string, unknown>", "Date", "unknown"]


def ts_block(g: G) -> str:
    if g.r.random() < 0.3:
        fields = "\n".join(f"  {g.cc()}{'?' if g.r.random() < 0.3 else ''}: {g.r.choice(TS_TYPES)};"
                           for _ in range(g.num(3, 10)))
        return f"/** {g.sentence()}. */\nexport interface {g.pc()} {{\n{fields}\n}}\n\n"
    body = "\n".join(_stmts(g, JS_STMTS, 3, 10)) + f"\nreturn {g.cc()};"
    return (f"export async function {g.fn_cc()}({g.cc()}: {g.r.choice(TS_TYPES)}, {g.cc()}: {g.pc()}): "
            f"Promise<{g.pc()}> {{\n{indent(body, 2)}\n}}\n\n")


def ts_header(g: G) -> str:
    imps = "".join(f"import {{ {g.pc()}, {g.fn_cc()} }} from '{g.r.choice(['./', '../', '@/lib/'])}{g.w()}';\n"
                   for _ in range(g.num(2, 6)))
    return f"{imps}\nconst BASE_URL = '{g.url()}';\n\n"


def tsx_block(g: G) -> str:
    if g.r.random() < 0.4:
        return ts_block(g)
    comp, item = g.pc(), g.cc()
    return (f"export function {comp}({{ {g.cc()}, {item}s }}: {comp}Props) {{\n"
            f"  const [{g.cc()}, set{g.pc()}] = useState<{g.r.choice(TS_TYPES)}>();\n"
            f"  useEffect(() => {{\n    fetch('{g.url()}').then((r) => r.json()).then(set{g.pc()});\n  }}, []);\n"
            f"  // {g.sentence()}\n"
            f"  return (\n    <div className=\"{g.w()}-{g.w()}\">\n      <h2>{g.sentence(2, 5)}</h2>\n"
            f"      <ul>\n        {{{item}s.map((it) => (\n          <li key={{it.id}} className=\"{g.w()}\">{{it.{g.cc()}}}</li>\n"
            f"        ))}}\n      </ul>\n      <a href=\"{g.url()}\">{g.sentence(1, 3)}</a>\n    </div>\n  );\n}}\n\n")


def tsx_header(g: G) -> str:
    return "import React, { useEffect, useState } from 'react';\n" + ts_header(g)


# --- Go
GO_STMTS = [
    lambda g: f"{g.cc()}, err := s.{g.fn_cc()}(ctx, {g.cc()})\nif err != nil {{\n\treturn nil, fmt.Errorf(\"{g.sentence(2, 5).lower()}: %w\", err)\n}}",
    lambda g: f"req, err := http.NewRequestWithContext(ctx, http.MethodGet, \"{g.url()}\", nil)\nif err != nil {{\n\treturn nil, err\n}}",
    lambda g: f"// {g.sentence()}",
    lambda g: f"s.log.Info(\"{g.sentence(2, 6)}\", \"{g.w()}\", {g.cc()})",
    lambda g: f"for _, {g.w()} := range {g.cc()} {{\n\t{g.cc()} = append({g.cc()}, {g.w()}.{g.pc()})\n}}",
    lambda g: f"{g.cc()} := map[string]any{{\"{g.w()}\": {g.num()}, \"{g.w()}\": \"{g.sentence(2, 4)}\"}}",
    lambda g: f"if len({g.cc()}) > {g.num(1, 500)} {{\n\treturn nil, Err{g.pc()}\n}}",
    lambda g: f"const {g.cc()}URL = \"{g.url()}\"",
]


def go_block(g: G) -> str:
    if g.r.random() < 0.2:
        fields = "\n".join(f"\t{g.pc()} {g.r.choice(['string', 'int64', 'bool', 'time.Time', '[]string'])} `json:\"{g.sn()}\"`"
                           for _ in range(g.num(3, 9)))
        return f"// {g.pc()} {g.sentence()}.\ntype {g.pc()} struct {{\n{fields}\n}}\n\n"
    body = "\n".join(_stmts(g, GO_STMTS, 3, 9)) + f"\nreturn &{g.pc()}{{}}, nil"
    name = g.fn_cc().capitalize()
    return (f"// {name} {g.sentence()}.\nfunc (s *{g.pc()}) {name}(ctx context.Context, {g.cc()} string) (*{g.pc()}, error) {{\n"
            f"{_tabify(body)}\n}}\n\n")


def _tabify(body: str) -> str:
    return "\n".join("\t" + ln if ln else ln for ln in body.split("\n"))


def go_header(g: G) -> str:
    return (f"// Package {g.w()} {g.sentence()}.\npackage {g.w()}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n"
            "\t\"net/http\"\n\t\"os\"\n\t\"time\"\n)\n\n")


# --- Java / Kotlin / C# / PHP / Ruby (methods inside one class)
JAVA_STMTS = [
    lambda g: f"{g.pc()} {g.cc()} = {g.cc()}.{g.fn_cc()}({g.cc()}, {g.num()});",
    lambda g: f"if ({g.cc()} == null) {{\n    throw new IllegalStateException(\"{g.sentence(3, 6)}\");\n}}",
    lambda g: f"HttpRequest request = HttpRequest.newBuilder(URI.create(\"{g.url()}\")).GET().build();",
    lambda g: f"// {g.sentence()}",
    lambda g: f"log.info(\"{g.sentence(2, 6)} {{}}\", {g.cc()});",
    lambda g: f"for ({g.pc()} {g.w()} : {g.cc()}) {{\n    {g.cc()}.add({g.w()}.get{g.pc()}());\n}}",
    lambda g: f"Map<String, Object> {g.cc()} = Map.of(\"{g.w()}\", {g.num()}, \"{g.w()}\", \"{g.sentence(2, 4)}\");",
    lambda g: f"String endpoint = baseUrl + \"/{g.path()}\";",
]


def java_block(g: G) -> str:
    body = "\n".join(_stmts(g, JAVA_STMTS, 3, 9)) + f"\nreturn {g.cc()};"
    m = (f"/**\n * {g.sentence()}.\n */\npublic {g.pc()} {g.fn_cc()}({g.pc()} {g.cc()}, int {g.cc()}) throws IOException {{\n"
         f"{indent(body, 4)}\n}}")
    return indent(m, 4) + "\n\n"


def java_header(g: G) -> str:
    pkg = f"com.example.{g.w()}.{g.w()}"
    return (f"package {pkg};\n\nimport java.io.IOException;\nimport java.net.URI;\nimport java.net.http.HttpClient;\n"
            f"import java.net.http.HttpRequest;\nimport java.net.http.HttpResponse;\nimport java.util.*;\n\n"
            f"/** {g.sentence()}. */\npublic class {g.pc()} {{\n\n    private final HttpClient client = HttpClient.newHttpClient();\n"
            f"    private final String baseUrl = \"{g.url()}\";\n\n")


KT_STMTS = [
    lambda g: f"val {g.cc()} = {g.cc()}.{g.fn_cc()}({g.cc()}, {g.num()})",
    lambda g: f"if ({g.cc()} == null) return {g.cc()}",
    lambda g: f"val request = Request.Builder().url(\"{g.url()}\").get().build()",
    lambda g: f"// {g.sentence()}",
    lambda g: f"logger.info {{ \"{g.sentence(2, 6)} ${g.cc()}\" }}",
    lambda g: f"{g.cc()}.forEach {{ {g.cc()}.add(it.{g.cc()}) }}",
    lambda g: f"val {g.cc()} = mapOf(\"{g.w()}\" to {g.num()}, \"{g.w()}\" to \"{g.sentence(2, 4)}\")",
]


def kt_block(g: G) -> str:
    body = "\n".join(_stmts(g, KT_STMTS, 3, 9)) + f"\nreturn {g.cc()}"
    m = f"/** {g.sentence()}. */\nsuspend fun {g.fn_cc()}({g.cc()}: String, {g.cc()}: Int = {g.num(0, 50)}): {g.pc()}? {{\n{indent(body, 4)}\n}}"
    return indent(m, 4) + "\n\n"


def kt_header(g: G) -> str:
    return (f"package com.example.{g.w()}\n\nimport okhttp3.OkHttpClient\nimport okhttp3.Request\n\n"
            f"/** {g.sentence()}. */\nclass {g.pc()}(private val client: OkHttpClient) {{\n\n")


CS_STMTS = [
    lambda g: f"var {g.cc()} = await _{g.cc()}.{g.fn_cc().capitalize()}Async({g.cc()}, {g.num()});",
    lambda g: f"if ({g.cc()} is null)\n{{\n    throw new InvalidOperationException(\"{g.sentence(3, 6)}\");\n}}",
    lambda g: f"var response = await _http.GetAsync(\"{g.url()}\");",
    lambda g: f"// {g.sentence()}",
    lambda g: f"_logger.LogInformation(\"{g.sentence(2, 6)} {{{g.pc()}}}\", {g.cc()});",
    lambda g: f"foreach (var {g.w()} in {g.cc()})\n{{\n    {g.cc()}.Add({g.w()}.{g.pc()});\n}}",
]


def cs_block(g: G) -> str:
    body = "\n".join(_stmts(g, CS_STMTS, 3, 9)) + f"\nreturn {g.cc()};"
    m = (f"/// <summary>{g.sentence()}.</summary>\npublic async Task<{g.pc()}> {g.fn_cc().capitalize()}Async(string {g.cc()}, int {g.cc()})\n"
         f"{{\n{indent(body, 4)}\n}}")
    return indent(m, 4) + "\n\n"


def cs_header(g: G) -> str:
    return (f"using System;\nusing System.Net.Http;\nusing System.Net.Http.Headers;\nusing System.Threading.Tasks;\n\n"
            f"namespace Example.{g.pc()};\n\n/// <summary>{g.sentence()}.</summary>\npublic class {g.pc()}\n{{\n"
            f"    private readonly HttpClient _http;\n\n")


PHP_STMTS = [
    lambda g: f"${g.cc()} = $this->{g.fn_cc()}(${g.cc()}, {g.num()});",
    lambda g: f"if (${g.cc()} === null) {{\n    throw new \\RuntimeException('{g.sentence(3, 6)}');\n}}",
    lambda g: f"$response = $this->http->get('{g.url()}');",
    lambda g: f"// {g.sentence()}",
    lambda g: f"$this->logger->info('{g.sentence(2, 6)}', ['{g.w()}' => ${g.cc()}]);",
    lambda g: f"foreach (${g.cc()} as ${g.w()}) {{\n    ${g.cc()}[] = ${g.w()}->{g.cc()};\n}}",
    lambda g: f"${g.cc()} = ['{g.w()}' => {g.num()}, '{g.w()}' => '{g.sentence(2, 4)}'];",
]


def php_block(g: G) -> str:
    body = "\n".join(_stmts(g, PHP_STMTS, 3, 9)) + f"\nreturn ${g.cc()};"
    m = (f"/**\n * {g.sentence()}.\n */\npublic function {g.fn_cc()}(string ${g.cc()}, int ${g.cc()} = {g.num(0, 9)}): array\n"
         f"{{\n{indent(body, 4)}\n}}")
    return indent(m, 4) + "\n\n"


def php_header(g: G) -> str:
    return f"<?php\n\ndeclare(strict_types=1);\n\nnamespace App\\{g.pc()};\n\nclass {g.pc()}\n{{\n"


RB_STMTS = [
    lambda g: f"{g.sn()} = {g.sn()}.{g.fn_sn()}({g.sn()}, {g.num()})",
    lambda g: f"return {g.sn()} if {g.sn()}.nil?",
    lambda g: f"response = Net::HTTP.get_response(URI(\"{g.url()}\"))",
    lambda g: f"# {g.sentence()}",
    lambda g: f"Rails.logger.info(\"{g.sentence(2, 6)} #{{{g.sn()}}}\")",
    lambda g: f"{g.sn()}.each do |{g.w()}|\n  {g.sn()} << {g.w()}.{g.sn()}\nend",
    lambda g: f"{g.sn()} = {{ {g.w()}: {g.num()}, {g.w()}: \"{g.sentence(2, 4)}\" }}",
]


def rb_block(g: G) -> str:
    body = "\n".join(_stmts(g, RB_STMTS, 3, 9)) + f"\n{g.sn()}"
    m = f"# {g.sentence()}.\ndef {g.fn_sn()}({g.sn()}, {g.sn()}: {g.num(0, 9)})\n{indent(body, 2)}\nend"
    return indent(m, 2) + "\n\n"


def rb_header(g: G) -> str:
    return f"# frozen_string_literal: true\n\nrequire \"net/http\"\nrequire \"json\"\n\n# {g.sentence()}.\nclass {g.pc()}\n"


# --- Rust
RS_STMTS = [
    lambda g: f"let {g.sn()} = self.{g.fn_sn()}(&{g.sn()}, {g.num()})?;",
    lambda g: f"if {g.sn()}.is_empty() {{\n    return Err(Error::{g.pc()});\n}}",
    lambda g: f"let resp = self.client.get(\"{g.url()}\").send().await?;",
    lambda g: f"// {g.sentence()}",
    lambda g: f"tracing::debug!({g.sn()} = ?{g.sn()}, \"{g.sentence(2, 6)}\");",
    lambda g: f"for {g.w()} in &{g.sn()} {{\n    {g.sn()}.push({g.w()}.{g.sn()}.clone());\n}}",
    lambda g: f"let {g.sn()}: Vec<_> = {g.sn()}.iter().filter(|x| x.{g.sn()} > {g.num()}).collect();",
]


def rs_block(g: G) -> str:
    if g.r.random() < 0.25:
        fields = "\n".join(f"    pub {g.sn()}: {g.r.choice(['String', 'u64', 'bool', 'Vec<String>', 'Option<i32>'])},"
                           for _ in range(g.num(3, 8)))
        return f"/// {g.sentence()}.\n#[derive(Debug, Clone, Serialize, Deserialize)]\npub struct {g.pc()} {{\n{fields}\n}}\n\n"
    body = "\n".join(_stmts(g, RS_STMTS, 3, 9)) + f"\nOk({g.sn()})"
    return (f"/// {g.sentence()}.\npub async fn {g.fn_sn()}(&self, {g.sn()}: &str) -> Result<{g.pc()}, Error> {{\n"
            f"{indent(body, 4)}\n}}\n\n")


def rs_header(g: G) -> str:
    return f"//! {g.sentence()}.\n\nuse serde::{{Deserialize, Serialize}};\nuse std::collections::HashMap;\n\nuse crate::{g.w()}::{{Error, {g.pc()}}};\n\n"


# --- Shell
def sh_block(g: G) -> str:
    lines = []
    for _ in range(g.num(3, 9)):
        x = g.r.random()
        if x < 0.25:
            lines.append(f'curl -fsS -H "Authorization: Bearer ${g.const()}" "{g.url()}" | jq \'.{g.w()}\'')
        elif x < 0.45:
            lines.append(f"# {g.sentence()}")
        elif x < 0.6:
            lines.append(f'local {g.sn()}="${{1:-{g.w()}}}"')
        elif x < 0.75:
            lines.append(f'if [[ -z "${{{g.const()}:-}}" ]]; then\n  echo "{g.sentence(3, 6)}" >&2\n  return 1\nfi')
        elif x < 0.9:
            lines.append(f'for f in "${g.sn()}"/*.{g.r.choice(["json", "yaml", "txt"])}; do\n  {g.fn_sn()} "$f"\ndone')
        else:
            lines.append(f'export {g.const()}="{g.url()}"')
    lines.append("return 0")
    return f"{g.fn_sn()}() {{\n{indent(chr(10).join(lines), 2)}\n}}\n\n"


def sh_header(g: G) -> str:
    return f"#!/usr/bin/env bash\n# {g.sentence()}.\nset -euo pipefail\n\nreadonly BASE_URL=\"${{BASE_URL:-{g.url()}}}\"\n\n"


# --- YAML / JSON / Markdown / .env / HTML / CSS / notebooks / logs
def yaml_block(g: G) -> str:
    x = g.r.random()
    if x < 0.5:
        env = "\n".join(f"        - name: {g.const()}\n          value: \"{g.r.choice([g.url(), str(g.num()), g.w()])}\""
                        for _ in range(g.num(2, 6)))
        return (f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {g.w()}-{g.w()}\n  labels:\n    app: {g.w()}\n"
                f"spec:\n  replicas: {g.num(1, 6)}\n  template:\n    spec:\n      containers:\n      - name: {g.w()}\n"
                f"        image: registry.example.io/{g.w()}/{g.w()}:{g.ver()}\n        env:\n{env}\n")
    items = "\n".join(f"  {g.sn()}: {g.r.choice([str(g.num()), g.w(), 'true', 'false', repr(g.url())])}"
                      for _ in range(g.num(3, 10)))
    return f"# {g.sentence()}\n{g.sn()}:\n{items}\n\n"


def yaml_header(g: G) -> str:
    return f"# {g.sentence()}\n"


def json_block(g: G) -> str:
    fields = []
    for _ in range(g.num(3, 10)):
        v = g.r.choice([json.dumps(g.url()), str(g.num()), json.dumps(g.sentence(2, 8)), "true", "null",
                        json.dumps([g.w() for _ in range(g.num(1, 4))])])
        fields.append(f'      "{g.cc()}": {v}')
    return "    {\n" + ",\n".join(fields) + "\n    }"


def json_header(g: G) -> str:
    return f'{{\n  "name": "{g.w()}-{g.w()}",\n  "version": "{g.ver()}",\n  "{g.cc()}": [\n'


JSON_FOOTER = "\n  ]\n}\n"


def md_block(g: G) -> str:
    x = g.r.random()
    if x < 0.25:
        return (f"```bash\ncurl -s \"{g.url()}\" \\\n  -H \"Authorization: Bearer $TOKEN\" | jq .\n```\n\n")
    if x < 0.4:
        return "".join(f"- {g.sentence()} ([docs]({g.url()}))\n" for _ in range(g.num(2, 6))) + "\n"
    if x < 0.5:
        return f"## {g.sentence(2, 5)}\n\n"
    return " ".join(g.sentence(6, 18) + "." for _ in range(g.num(2, 6))) + "\n\n"


def md_header(g: G) -> str:
    return f"# {g.pc()}\n\n{g.sentence(8, 16)}.\n\n"


def env_block(g: G) -> str:
    x = g.r.random()
    if x < 0.3:
        return f"{g.const()}_URL={g.url()}\n"
    if x < 0.45:
        return f"# {g.sentence()}\n"
    return f"{g.const()}={g.r.choice([str(g.num()), g.w(), 'true', g.tok(16)])}\n"


def html_block(g: G) -> str:
    links = "\n".join(f"    <li><a href=\"{g.url()}\">{g.sentence(1, 4)}</a></li>" for _ in range(g.num(1, 5)))
    return (f"<section class=\"{g.w()}-{g.w()}\" id=\"{g.w()}\">\n  <h2>{g.sentence(2, 6)}</h2>\n"
            f"  <p>{g.sentence(8, 20)}.</p>\n  <ul>\n{links}\n  </ul>\n</section>\n")


def html_header(g: G) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  <title>{g.sentence(2, 4)}</title>\n"
            f"  <link rel=\"stylesheet\" href=\"/static/{g.w()}.css\">\n</head>\n<body>\n")


HTML_FOOTER = "</body>\n</html>\n"


def css_block(g: G) -> str:
    props = [f"display: {g.r.choice(['flex', 'block', 'grid', 'none'])};", f"color: #{g.hexs(6)};",
             f"margin: {g.num(0, 32)}px {g.num(0, 32)}px;", f"font-size: {g.num(10, 24)}px;"]
    if g.r.random() < 0.3:
        props.append(f"background: url(\"https://cdn.example.com/img/{g.w()}-{g.num()}.png\") no-repeat;")
    body = "\n".join("  " + p for p in g.r.sample(props, g.num(2, len(props))))
    return f".{g.w()}-{g.w()}{g.r.choice(['', ':hover', ' > a', ' .' + g.w()])} {{\n{body}\n}}\n\n"


_IMG_B64: list[str] = []


def ipynb_block(g: G) -> str:
    src = [ln for blk in _stmts(g, PY_STMTS, 2, 7) for ln in blk.split("\n")]
    src_json = ",\n".join("    " + json.dumps(ln + "\n") for ln in src)
    outputs = ""
    if g.r.random() < 0.15 and _IMG_B64:
        outputs = ('\n   "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": "'
                   + g.r.choice(_IMG_B64) + '"}}],')
    elif g.r.random() < 0.4:
        text = ",\n".join("     " + json.dumps(g.sentence() + "\n") for _ in range(g.num(1, 6)))
        outputs = f'\n   "outputs": [{{"output_type": "stream", "name": "stdout", "text": [\n{text}\n   ]}}],'
    else:
        outputs = '\n   "outputs": [],'
    if g.r.random() < 0.25:
        return f'  {{\n   "cell_type": "markdown",\n   "metadata": {{}},\n   "source": [\n    {json.dumps("## " + g.sentence())}\n   ]\n  }}'
    return (f'  {{\n   "cell_type": "code",\n   "execution_count": {g.num(1, 90)},\n   "metadata": {{}},{outputs}\n'
            f'   "source": [\n{src_json}\n   ]\n  }}')


IPYNB_HEADER = '{\n "cells": [\n'
IPYNB_FOOTER = ('\n ],\n "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},\n'
                ' "nbformat": 4,\n "nbformat_minor": 5\n}\n')


def log_block(g: G) -> str:
    lines = []
    for _ in range(g.num(5, 20)):
        ts = f"2024-{g.num(1, 12):02d}-{g.num(1, 28):02d}T{g.num(0, 23):02d}:{g.num(0, 59):02d}:{g.num(0, 59):02d}.{g.num(0, 999):03d}Z"
        lvl = g.r.choice(["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"])
        if g.r.random() < 0.4:
            lines.append(f"{ts} {lvl} http request method=GET url={g.url()} status={g.r.choice([200, 200, 201, 404, 500])} duration_ms={g.num(1, 900)}")
        else:
            lines.append(f"{ts} {lvl} [{g.w()}-{g.num(1, 9)}] {g.sentence()} {g.sn()}={g.num()}")
    return "\n".join(lines) + "\n"


def lock_block(g: G) -> str:
    name = f"{g.w()}-{g.w()}" if g.r.random() < 0.6 else f"@{g.w()}/{g.w()}"
    v = g.ver()
    base = name.split("/")[-1]
    return (f'    "node_modules/{name}": {{\n      "version": "{v}",\n'
            f'      "resolved": "https://registry.npmjs.org/{name}/-/{base}-{v}.tgz",\n'
            f'      "integrity": "sha512-{base64.b64encode(g.r.randbytes(64)).decode()}",\n'
            f'      "license": "MIT"\n    }}')


def lock_header(g: G) -> str:
    return f'{{\n  "name": "{g.w()}-{g.w()}",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {{\n'


BUILDERS = {
    # kind: (ext, block, header, footer, sep, pool size)
    "py": (".py", py_block, py_header, "", "", 1500),
    "js": (".js", js_block, js_header, "", "", 1500),
    "ts": (".ts", ts_block, ts_header, "", "", 1500),
    "tsx": (".tsx", tsx_block, tsx_header, "", "", 1000),
    "go": (".go", go_block, go_header, "", "", 1500),
    "java": (".java", java_block, java_header, "}\n", "", 1200),
    "kt": (".kt", kt_block, kt_header, "}\n", "", 1000),
    "rb": (".rb", rb_block, rb_header, "end\n", "", 1000),
    "php": (".php", php_block, php_header, "}\n", "", 1000),
    "cs": (".cs", cs_block, cs_header, "}\n", "", 1000),
    "rs": (".rs", rs_block, rs_header, "", "", 1200),
    "sh": (".sh", sh_block, sh_header, "", "", 800),
    "yaml": (".yaml", yaml_block, yaml_header, "", "", 1000),
    "json": (".json", json_block, json_header, JSON_FOOTER, ",\n", 1000),
    "md": (".md", md_block, md_header, "", "", 1000),
    "env": ("", env_block, lambda g: f"# {g.sentence()}\n", "", "", 600),
    "ipynb": (".ipynb", ipynb_block, lambda g: IPYNB_HEADER, IPYNB_FOOTER, ",\n", 800),
    "html": (".html", html_block, html_header, HTML_FOOTER, "", 800),
    "css": (".css", css_block, lambda g: f"/* {g.sentence()} */\n\n", "", "", 800),
    "log": (".log", log_block, lambda g: "", "", "", 1000),
    "lock": (".json", lock_block, lock_header, "\n  }\n}\n", ",\n", 1500),
}


class Pools:
    def __init__(self, g: G):
        t0 = time.time()
        for _ in range(24):
            _IMG_B64.append(base64.b64encode(g.r.randbytes(g.num(2_000, 30_000))).decode())
        self.chunks: dict[str, list[bytes]] = {}
        self.avg: dict[str, float] = {}
        for kind, (_ext, block, _h, _f, _sep, n) in BUILDERS.items():
            cs = [block(g).encode() for _ in range(n)]
            self.chunks[kind] = cs
            self.avg[kind] = sum(map(len, cs)) / len(cs)
        self.build_s = time.time() - t0


# --------------------------------------------------------------------------------------------
# Planted legacy Voiso calls: one snippet builder per kind; `url` holds `{KEY}` where the key goes.

PATH_EPS = [("POST", "/api/v1/{KEY}/click2call", "L1"), ("POST", "/api/v1/{KEY}/click2call_hangup", "L2"),
            ("POST", "/api/v1/{KEY}/sendsms", "L3"), ("GET", "/api/v1/{KEY}/balance", "L4"),
            ("GET", "/api/v1/{KEY}/agents_status", "L5"), ("PUT", "/api/v1/{KEY}/campaigns/12/contacts", "L7")]
QUERY_EPS = [("GET", "/api/v2/cdr?key={KEY}&page=1&per_page=100", "L9"), ("GET", "/api/v2/cdr/teams?key={KEY}", "L12"),
             ("GET", "/api/v2/cdr/wrapup_codes?key={KEY}", "L13"), ("GET", "/api/v3/cdr/users?key={KEY}", "L16"),
             ("GET", "/api/v3/messages/sms/templates?key={KEY}&limit=50", "L17")]
CURLG_EPS = [("GET", "/api/v2/cdr", "L9"), ("GET", "/api/v2/cdr/teams", "L12"), ("GET", "/api/v3/cdr/users", "L16")]
BEARER_EPS = [("POST", "/api/dialer/v1/campaigns/12/operation", "L20"), ("POST", "/api/task/v1/scheduled_callbacks", "L21"),
              ("GET", "/api/webhooks/v1/failures", "L22"), ("GET", "/api/numbers/v1/numbers", "L25")]
V4_EPS = [("POST", "/api/v4/voice/calls", "V1"), ("GET", "/api/v4/reporting/cdrs", "V2"), ("GET", "/api/v4/users", "V3")]
EXPECTED_RULE = {"path": "key-in-path", "query": "key-in-query", "curlG": "key-in-query",
                 "bearer": "legacy-endpoint", "v4": None}


def _split_key(url: str) -> tuple[str, str]:
    pre, _, post = url.partition("{KEY}")
    return pre, post


def snippet(kind: str, g: G, method: str, url: str, form: str) -> str:
    """Source text (whole chunk, same nesting as the filler of `kind`) that calls `url`."""
    bearer = form in ("bearer", "v4")
    has_key = "{KEY}" in url
    post = method in ("POST", "PUT")
    name_sn, name_cc = f"voiso_{g.fn_sn()}", "voiso" + g.fn_cc().capitalize()
    if kind in ("py", "ipynb"):
        u = 'f"' + url.replace("{KEY}", "{api_key}") + '"' if has_key else f'"{url}"'
        lines = ['api_key = os.environ["VOISO_API_KEY"]'] if has_key else []
        kw = ', headers={"Authorization": f"Bearer {os.environ[\'VOISO_TOKEN\']}"}' if bearer else ""
        kw += ', data={"agent": agent, "number": number}' if post else ""
        lines += [f"resp = requests.{method.lower()}({u}{kw}, timeout=10)", "resp.raise_for_status()"]
        if kind == "ipynb":
            src = ",\n".join("    " + json.dumps(ln + "\n") for ln in ["import os, requests", "agent, number = 1001, \"15551234567\""] + lines + ["resp.json()"])
            return (f'  {{\n   "cell_type": "code",\n   "execution_count": {g.num(1, 40)},\n   "metadata": {{}},\n'
                    f'   "outputs": [],\n   "source": [\n{src}\n   ]\n  }}')
        body = "\n".join(lines + ["return resp.json()"])
        return f"def {name_sn}(agent, number):\n{indent(body, 4)}\n\n\n"
    if kind in ("js", "ts", "tsx", "html"):
        u = "`" + url.replace("{KEY}", "${apiKey}") + "`"
        hdr = "Authorization: `Bearer ${process.env.VOISO_TOKEN}`, " if bearer else ""
        body_kw = "\n  body: JSON.stringify({ agent, number })," if post else ""
        sig = "(agent: string, number: string)" if kind in ("ts", "tsx") else "(agent, number)"
        lines = ["const apiKey = process.env.VOISO_API_KEY;"] if has_key else []
        lines += [f"const res = await fetch({u}, {{", f"  method: '{method}',",
                  f"  headers: {{ {hdr}'Content-Type': 'application/json' }},{body_kw}", "});", "return res.json();"]
        fn = f"export async function {name_cc}{sig} {{\n{indent(chr(10).join(lines), 2)}\n}}\n"
        if kind == "html":
            return f"<script type=\"module\">\n{indent(fn.replace('export ', ''), 2)}\n</script>\n"
        return fn + "\n"
    if kind == "go":
        pre, postu = _split_key(url)
        mconst = {"GET": "http.MethodGet", "POST": "http.MethodPost", "PUT": "http.MethodPut"}[method]
        lines = ([f'url := fmt.Sprintf("{pre}%s{postu}", os.Getenv("VOISO_API_KEY"))'] if has_key else [f'url := "{url}"'])
        lines += [f"req, err := http.NewRequestWithContext(ctx, {mconst}, url, nil)", "if err != nil {", "\treturn nil, err", "}"]
        if bearer:
            lines.append('req.Header.Set("Authorization", "Bearer "+os.Getenv("VOISO_TOKEN"))')
        lines.append("return http.DefaultClient.Do(req)")
        nm = "Voiso" + g.fn_cc().capitalize()
        return f"func {nm}(ctx context.Context, agent, number string) (*http.Response, error) {{\n{_tabify(chr(10).join(lines))}\n}}\n\n"
    if kind == "java":
        pre, postu = _split_key(url)
        u = f'"{pre}" + apiKey' + (f' + "{postu}"' if postu else "") if has_key else f'"{url}"'
        lines = ['String apiKey = System.getenv("VOISO_API_KEY");'] if has_key else []
        lines += ["HttpRequest request = HttpRequest.newBuilder()", f"    .uri(URI.create({u}))"]
        if bearer:
            lines.append('    .header("Authorization", "Bearer " + System.getenv("VOISO_TOKEN"))')
        lines.append(f"    .{method}(HttpRequest.BodyPublishers.ofString(body))" if post else "    .GET()")
        lines += ["    .build();", "return client.send(request, HttpResponse.BodyHandlers.ofString());"]
        m = f"public HttpResponse<String> {name_cc}(String body) throws Exception {{\n{indent(chr(10).join(lines), 4)}\n}}"
        return indent(m, 4) + "\n\n"
    if kind == "kt":
        u = '"' + url.replace("{KEY}", "$apiKey") + '"'
        lines = ['val apiKey = System.getenv("VOISO_API_KEY")'] if has_key else []
        lines += ["val request = Request.Builder()", f"    .url({u})"]
        if bearer:
            lines.append('    .header("Authorization", "Bearer ${System.getenv("VOISO_TOKEN")}")')
        lines += [f"    .{method.lower()}(body)" if post else "    .get()", "    .build()",
                  "return client.newCall(request).execute()"]
        m = f"fun {name_cc}(body: RequestBody): Response {{\n{indent(chr(10).join(lines), 4)}\n}}"
        return indent(m, 4) + "\n\n"
    if kind == "rb":
        u = '"' + url.replace("{KEY}", "#{api_key}") + '"'
        lines = ['api_key = ENV.fetch("VOISO_API_KEY")'] if has_key else []
        lines += [f"uri = URI({u})", f"req = Net::HTTP::{method.capitalize()}.new(uri)"]
        if bearer:
            lines.append('req["Authorization"] = "Bearer #{ENV.fetch("VOISO_TOKEN")}"')
        if post:
            lines.append('req.set_form_data("agent" => agent, "number" => number)')
        lines.append("Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |http| http.request(req) }")
        m = f"def {name_sn}(agent, number)\n{indent(chr(10).join(lines), 2)}\nend"
        return indent(m, 2) + "\n\n"
    if kind == "php":
        u = '"' + url.replace("{KEY}", "{$apiKey}") + '"'
        lines = ["$apiKey = getenv('VOISO_API_KEY');"] if has_key else []
        lines.append(f"$ch = curl_init({u});")
        if method != "GET":
            lines.append(f"curl_setopt($ch, CURLOPT_CUSTOMREQUEST, '{method}');")
            lines.append("curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query(['agent' => $agent, 'number' => $number]));")
        if bearer:
            lines.append("curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: Bearer ' . getenv('VOISO_TOKEN')]);")
        lines += ["curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);", "return json_decode(curl_exec($ch), true);"]
        m = f"public function {name_cc}(string $agent, string $number): array\n{{\n{indent(chr(10).join(lines), 4)}\n}}"
        return indent(m, 4) + "\n\n"
    if kind == "cs":
        u = ('$"' + url.replace("{KEY}", "{apiKey}") + '"') if has_key else f'"{url}"'
        lines = ['var apiKey = Environment.GetEnvironmentVariable("VOISO_API_KEY");'] if has_key else []
        lines += [f"var url = {u};", f"using var request = new HttpRequestMessage(HttpMethod.{method.capitalize()}, url);"]
        if bearer:
            lines.append('request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("VOISO_TOKEN"));')
        lines += ["var response = await _http.SendAsync(request);", "return await response.Content.ReadAsStringAsync();"]
        m = f"public async Task<string> {name_cc[0].upper() + name_cc[1:]}Async()\n{{\n{indent(chr(10).join(lines), 4)}\n}}"
        return indent(m, 4) + "\n\n"
    if kind == "rs":
        lines = ['let api_key = std::env::var("VOISO_API_KEY").unwrap_or_default();'] if has_key else []
        lines.append(f'let url = format!("{url.replace("{KEY}", "{api_key}")}");' if has_key else f'let url = "{url}";')
        lines += ["client", f"    .{method.lower()}(url)"]
        if bearer:
            lines.append('    .bearer_auth(std::env::var("VOISO_TOKEN").unwrap_or_default())')
        if post:
            lines.append('    .form(&[("agent", agent), ("number", number)])')
        lines += ["    .send()", "    .await"]
        return (f"pub async fn {name_sn}(client: &reqwest::Client, agent: &str, number: &str) -> reqwest::Result<reqwest::Response> {{\n"
                f"{indent(chr(10).join(lines), 4)}\n}}\n\n")
    if kind in ("sh", "md"):
        if form == "curlG":
            lines = [f'curl -fsS -G "{url}" \\', '  --data-urlencode "key=$VOISO_KEY" \\', '  --data-urlencode "page=1"']
        else:
            u = url.replace("{KEY}", "${VOISO_API_KEY}")
            lines = [f'curl -fsS -X {method} "{u}" \\']
            if bearer:
                lines.append('  -H "Authorization: Bearer $VOISO_TOKEN" \\')
            lines.append('  -d "agent=1001" -d "number=15551234567"' if post else '  -H "Accept: application/json"')
        if kind == "md":
            return f"### {g.sentence(2, 5)}\n\n```bash\n" + "\n".join(lines) + "\n```\n\n"
        return f"{name_sn}() {{\n{indent(chr(10).join(lines), 2)}\n}}\n\n"
    if kind == "yaml":
        u = url.replace("{KEY}", "${VOISO_API_KEY}")
        out = f"voiso_{g.sn()}:\n  method: {method}\n  url: \"{u}\"\n"
        if bearer:
            out += "  headers:\n    Authorization: \"Bearer ${VOISO_TOKEN}\"\n"
        return out + "  timeout_seconds: 10\n\n"
    if kind == "json":
        u = url.replace("{KEY}", "{{voiso_api_key}}")
        hdr = ',\n        "headers": {"Authorization": "Bearer {{voiso_token}}"}' if bearer else ""
        return (f'    {{\n      "name": "voiso {g.sentence(2, 4).lower()}",\n      "request": {{\n'
                f'        "method": "{method}",\n        "url": "{u}"{hdr}\n      }}\n    }}')
    if kind == "env":
        return f"VOISO_{g.w().upper()}_URL={url.replace('{KEY}', '${VOISO_API_KEY}')}\n"
    raise ValueError(kind)


# --------------------------------------------------------------------------------------------
# "Built in code": legacy Voiso calls whose URL is assembled across statements (a base-URL
# constant, then an f-string / Sprintf / concatenation / params map that adds the key). A
# separate category with its own seeded Random (seed + BUILT_SEED_OFFSET), attached only to
# files that hold no other snippet, so the 50 planted calls above and every other byte of the
# tree stay the same for a given seed (--built-in 0 gives exactly the tree of earlier versions).

BUILT_SEED_OFFSET = 0xB0117  # "built": any constant; only keeps this stream apart from the main one

# (construct, kind, form): the order of the first 20; more are taken round-robin
BUILT_TEMPLATES = [
    ("py-fstring", "py", "path"), ("py-params", "py", "query"), ("js-axios-params", "js", "query"),
    ("ts-template", "ts", "path"), ("go-sprintf", "go", "path"), ("php-concat", "php", "path"),
    ("java-format", "java", "path"), ("rb-interp", "rb", "path"), ("py-fstring", "py", "path"),
    ("py-params", "py", "query"), ("go-values", "go", "query"), ("php-build-query", "php", "query"),
    ("js-axios-params", "js", "query"), ("ts-template", "ts", "path"), ("go-sprintf", "go", "path"),
    ("java-format", "java", "path"), ("rb-encode-form", "rb", "query"), ("py-fstring", "py", "path"),
    ("py-params", "py", "query"), ("php-concat", "php", "path"),
]


def built_snippet(construct: str, g: G, method: str, host: str, base_path: str, tail: str,
                  query: dict) -> tuple[str, str]:
    """(source text, needle): text of one whole chunk; needle is a substring of the line that
    places the key (the f-string, the params entry, the Sprintf ...)."""
    base = f"https://{host}{base_path}"
    post = method in ("POST", "PUT")
    if construct == "py-fstring":
        const = g.r.choice(["VOISO_BASE", "VOISO_API_URL", "VOISO_URL"])
        call = f'requests.{method.lower()}(f"{{{const}}}/{{api_key}}{tail}"'
        body = ['"""' + g.sentence() + '."""', 'api_key = os.environ["VOISO_API_KEY"]']
        if post:
            body.append('payload = {"agent": agent, "number": number}')
            call += ", data=payload"
        body += [f"resp = {call}, timeout=10)", "resp.raise_for_status()", "return resp.json()"]
        return (f'{const} = "{base}"\n\n\ndef voiso_{g.fn_sn()}(agent, number):\n{indent(chr(10).join(body), 4)}\n\n\n',
                "{api_key}")
    if construct == "py-params":
        const = g.r.choice(["VOISO_CDR_URL", "CDR_ENDPOINT", "VOISO_REPORTS"])
        extra = "".join(f', "{k}": {v}' for k, v in query.items())
        body = ['"""' + g.sentence() + '."""', 'k = os.environ["VOISO_API_KEY"]', "resp = requests.get(",
                f"    {const},", f'    params={{"key": k{extra}}},', "    timeout=10,", ")",
                "resp.raise_for_status()", "return resp.json()"]
        return (f'{const} = "{base}{tail}"\n\n\ndef voiso_{g.fn_sn()}(page=1):\n{indent(chr(10).join(body), 4)}\n\n\n',
                'params={"key": k')
    if construct == "js-axios-params":
        const = g.r.choice(["VOISO_BASE", "BASE", "voisoBase"])
        extra = "".join(f", {k}: {v}" for k, v in query.items())
        body = [f"const res = await axios.get(`${{{const}}}{tail}`, {{", f"  params: {{ key: apiKey{extra} }},",
                "  timeout: 10000,", "});", "return res.data;"]
        return (f"const {const} = '{base}';\n\nexport async function voiso{g.fn_cc().capitalize()}(apiKey, page = 1) {{\n"
                f"{indent(chr(10).join(body), 2)}\n}}\n\n", "params: { key: apiKey")
    if construct == "ts-template":
        const = g.r.choice(["VOISO_API", "VOISO_BASE_URL"])
        opts = f"method: '{method}'" + (", body: JSON.stringify({ agent, number })" if post else "")
        body = ["const apiKey = process.env.VOISO_API_KEY ?? '';", f"const url = `${{{const}}}/${{apiKey}}{tail}`;",
                f"const res = await fetch(url, {{ {opts} }});", "return res.json();"]
        return (f"const {const} = '{base}';\n\nexport async function voiso{g.fn_cc().capitalize()}(agent: string, number: string): "
                f"Promise<unknown> {{\n{indent(chr(10).join(body), 2)}\n}}\n\n", "${apiKey}")
    mconst = {"GET": "http.MethodGet", "POST": "http.MethodPost", "PUT": "http.MethodPut"}[method]
    if construct == "go-sprintf":
        body = [f'u := fmt.Sprintf("%s/%s{tail}", voisoBase, key)',
                f"req, err := http.NewRequestWithContext(ctx, {mconst}, u, nil)", "if err != nil {", "\treturn nil, err", "}",
                "return http.DefaultClient.Do(req)"]
        nm = "Voiso" + g.pc()
        return (f'const voisoBase = "{base}"\n\n// {nm} {g.sentence()}.\n'
                f"func {nm}(ctx context.Context, key string) (*http.Response, error) {{\n{_tabify(chr(10).join(body))}\n}}\n\n",
                "fmt.Sprintf(")
    if construct == "go-values":
        body = ["q := url.Values{}", 'q.Set("key", key)'] + [f'q.Set("{k}", "{v}")' for k, v in query.items()]
        body += [f'req, err := http.NewRequestWithContext(ctx, {mconst}, voisoReports+"{tail}?"+q.Encode(), nil)',
                 "if err != nil {", "\treturn nil, err", "}", "return http.DefaultClient.Do(req)"]
        nm = "Voiso" + g.pc()
        return (f'const voisoReports = "{base}"\n\n// {nm} {g.sentence()}.\n'
                f"func {nm}(ctx context.Context, key string) (*http.Response, error) {{\n{_tabify(chr(10).join(body))}\n}}\n\n",
                'q.Set("key", key)')
    if construct in ("php-concat", "php-build-query"):
        if construct == "php-concat":
            build = [f"$url = $base . '/' . $key . '{tail}';"]
            needle = "$base . '/' . $key"
        else:
            extra = "".join(f", '{k}' => {v}" for k, v in query.items())
            build = [f"$url = $base . '{tail}?' . http_build_query(['key' => $key{extra}]);"]
            needle = "'key' => $key"
        body = ["$base = self::VOISO_BASE;", "$key = getenv('VOISO_API_KEY');"] + build + ["$ch = curl_init($url);"]
        if method != "GET":
            body += [f"curl_setopt($ch, CURLOPT_CUSTOMREQUEST, '{method}');",
                     "curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query(['agent' => $agent, 'number' => $number]));"]
        body += ["curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);", "return json_decode(curl_exec($ch), true);"]
        m = (f"private const VOISO_BASE = '{base}';\n\npublic function voiso{g.fn_cc().capitalize()}(string $agent, string $number): array\n"
             f"{{\n{indent(chr(10).join(body), 4)}\n}}")
        return indent(m, 4) + "\n\n", needle
    if construct == "java-format":
        body = ['String apiKey = System.getenv("VOISO_API_KEY");', f'String url = String.format("%s/%s{tail}", VOISO_BASE, apiKey);',
                "HttpRequest request = HttpRequest.newBuilder()", "    .uri(URI.create(url))",
                f"    .{method}(HttpRequest.BodyPublishers.ofString(body))" if post else "    .GET()", "    .build();",
                "return client.send(request, HttpResponse.BodyHandlers.ofString());"]
        m = (f'private static final String VOISO_BASE = "{base}";\n\n/** {g.sentence()}. */\n'
             f"public HttpResponse<String> voiso{g.fn_cc().capitalize()}(String body) throws Exception {{\n{indent(chr(10).join(body), 4)}\n}}")
        return indent(m, 4) + "\n\n", "String.format("
    if construct in ("rb-interp", "rb-encode-form"):
        if construct == "rb-interp":
            build = [f'uri = URI("#{{VOISO_BASE}}/#{{api_key}}{tail}")']
            needle = "#{api_key}"
        else:
            extra = "".join(f", {k}: {v}" for k, v in query.items())
            build = [f'uri = URI("#{{VOISO_BASE}}{tail}")', f"uri.query = URI.encode_www_form(key: api_key{extra})"]
            needle = "encode_www_form(key: api_key"
        body = ['api_key = ENV.fetch("VOISO_API_KEY")'] + build
        if post:
            body.append('Net::HTTP.post_form(uri, "agent" => agent, "number" => number)')
        else:
            body.append("JSON.parse(Net::HTTP.get(uri))")
        m = f'VOISO_BASE = "{base}"\n\n# {g.sentence()}.\ndef voiso_{g.fn_sn()}(agent, number)\n{indent(chr(10).join(body), 2)}\nend'
        return indent(m, 2) + "\n\n", needle
    raise ValueError(construct)


def choose_built_in(seed: int, p: Planner, n: int) -> None:
    """Attach `n` built-in-code snippets (fs.built) to tracked files that hold no other snippet.
    Uses only its own Random: the main stream, and so the rest of the tree, is unchanged."""
    if n <= 0:
        return
    g = G(random.Random(seed + BUILT_SEED_OFFSET))
    by_kind: dict[str, list[FileSpec]] = {}
    for fs in p.files:
        if fs.cat == "tracked" and not fs.plant and fs.kind not in ("minjs", "lock") and fs.size <= 200_000:
            by_kind.setdefault(fs.kind, []).append(fs)
    avail = [t for t in BUILT_TEMPLATES if by_kind.get(t[1])]
    if not avail:
        return
    taken: set[str] = set()
    for i in range(n):
        construct, kind, form = BUILT_TEMPLATES[i % len(BUILT_TEMPLATES)]
        if not by_kind.get(kind):  # a small corpus has few project kinds: another construct
            construct, kind, form = g.r.choice(avail)
        free = [fs for fs in by_kind[kind] if fs.rel not in taken]
        fs = g.r.choice(free or by_kind[kind])
        taken.add(fs.rel)
        host = g.r.choice(VOISO_HOSTS)
        if form == "path":
            method, epath, ep = g.r.choice(PATH_EPS)
            base_path, _, tail = epath.partition("/{KEY}")
            query: dict = {}
        else:
            method, epath, ep = g.r.choice(QUERY_EPS)
            p_, _, q = epath.partition("?")
            base_path, tail = p_[:7], p_[7:]  # "/api/v2" + "/cdr/teams"
            query = {k: v for k, _, v in (kv.partition("=") for kv in q.split("&")) if k != "key"}
        text, needle = built_snippet(construct, g, method, host, base_path, tail, query)
        url = f"https://{host}{base_path}" + (f"/<key>{tail}" if form == "path" else f"{tail}?key=<key>")
        rec = {"id": f"B{i + 1:03d}", "kind": kind, "form": form, "construct": construct, "endpoint": ep,
               "method": method, "url": url, "expected_rule": EXPECTED_RULE[form],
               "_text": text, "_needle": needle, "_at": g.r.random()}
        fs.built = (fs.built or []) + [rec]


# --------------------------------------------------------------------------------------------
# The plan: every file's path, kind, size and category, before any byte is written.

ARCHETYPES = {
    "python-service": {"py": 50, "yaml": 8, "json": 6, "md": 8, "sh": 5, "ipynb": 3, "html": 2, "css": 1},
    "web-frontend": {"ts": 30, "tsx": 30, "js": 12, "json": 8, "css": 8, "html": 4, "md": 5, "yaml": 2},
    "node-backend": {"js": 35, "ts": 30, "json": 10, "md": 6, "yaml": 5, "sh": 3},
    "go-service": {"go": 65, "yaml": 10, "md": 8, "sh": 6, "json": 5},
    "jvm-service": {"java": 50, "kt": 25, "yaml": 8, "md": 6, "json": 5, "sh": 3, "html": 2},
    "ruby-app": {"rb": 55, "yaml": 10, "html": 12, "css": 6, "js": 8, "md": 6},
    "php-app": {"php": 55, "js": 12, "css": 8, "html": 12, "json": 5, "md": 5},
    "dotnet-app": {"cs": 65, "json": 12, "md": 8, "yaml": 5, "html": 5, "css": 3},
    "rust-crate": {"rs": 70, "md": 10, "yaml": 6, "json": 5, "sh": 5},
    "infra": {"yaml": 45, "sh": 25, "json": 15, "md": 15},
    "data-science": {"py": 35, "ipynb": 30, "md": 10, "json": 10, "yaml": 5, "sh": 3},
}
JS_ARCH = {"web-frontend", "node-backend", "php-app", "ruby-app"}
LARGE_KINDS = {  # kinds that get the occasional 0.5-4 MB file, per archetype
    "web-frontend": ["minjs", "json"], "node-backend": ["minjs", "json"], "php-app": ["minjs"],
    "ruby-app": ["minjs"], "data-science": ["ipynb", "json"], "python-service": ["json", "ipynb"],
    "infra": ["json", "yaml"], "dotnet-app": ["json"], "jvm-service": ["json"], "go-service": ["json"],
    "rust-crate": ["json"],
}
DIR_NAMES = ["src", "lib", "internal", "pkg", "api", "handlers", "models", "services", "utils", "core",
             "components", "hooks", "pages", "routes", "controllers", "views", "helpers", "tests", "spec",
             "fixtures", "scripts", "config", "docs", "examples", "migrations", "jobs", "clients", "adapters",
             "domain", "infra", "store", "middleware", "common", "shared", "features", "widgets", "cmd",
             "integration", "legacy", "v1", "v2", "admin", "public", "static", "assets", "templates"]
BIN_TYPES = [  # (ext, magic with an early NUL)
    (".png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), (".jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"),
    (".woff2", b"wOF2\x00\x01\x00\x00"), (".so", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00"),
    (".pyc", b"\xcb\r\r\n\x00\x00\x00\x00"), (".sqlite", b"SQLite format 3\x00"),
    (".gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00"), (".bin", b"\x00\x00\x00\x01BIN\x00"),
]


class FileSpec:
    __slots__ = ("rel", "kind", "size", "cat", "plant", "built")

    def __init__(self, rel: str, kind: str, size: int, cat: str):
        self.rel, self.kind, self.size, self.cat, self.plant, self.built = rel, kind, size, cat, None, None


def file_size(g: G) -> int:
    s = int(g.r.lognormvariate(math.log(10_000), 1.1))
    return max(1_000, min(200_000, s))


class Planner:
    def __init__(self, g: G):
        self.g = g
        self.files: list[FileSpec] = []
        self.dirs: list[str] = []
        self.used: set[str] = set()

    def name(self, d: str, stem: str, ext: str) -> str:
        rel = f"{d}/{stem}{ext}" if d else f"{stem}{ext}"
        i = 2
        while rel in self.used:
            rel = f"{d}/{stem}_{i}{ext}"
            i += 1
        self.used.add(rel)
        return rel

    def add(self, d: str, stem: str, kind: str, size: int, cat: str) -> FileSpec:
        ext = ".min.js" if kind == "minjs" else BUILDERS[kind][0]
        fs = FileSpec(self.name(d, stem, ext), kind, size, cat)
        self.files.append(fs)
        return fs

    def stem(self, kind: str) -> str:
        g = self.g
        if kind in ("java", "kt", "cs", "php", "tsx"):
            return g.pc()
        if kind in ("js", "ts", "minjs"):
            return g.cc()
        return g.sn()

    def tree(self, base: str, budget: int, weights: dict[str, int], cat: str, max_depth: int,
             large_kinds: list[str] | None = None) -> int:
        """Fill `budget` bytes of files under `base` in a random tree; return bytes planned."""
        g = self.g
        kinds, w = list(weights), list(weights.values())
        dirs = [base]
        children: dict[str, set[str]] = {base: set()}
        planned = 0
        while planned < budget:
            # a new directory: child of a random existing one that is not at the depth limit
            cands = [d for d in dirs if d.count("/") + 1 < max_depth]
            parent = g.r.choice(cands) if cands else base
            nm = g.r.choice(DIR_NAMES) if g.r.random() < 0.6 else g.sn()
            while nm in children[parent]:
                nm = g.sn()
            children[parent].add(nm)
            d = f"{parent}/{nm}"
            dirs.append(d)
            children[d] = set()
            self.dirs.append(d)
            for _ in range(g.num(20, 40)):
                if planned >= budget:
                    break
                if large_kinds and g.r.random() < 0.002:
                    k, size = g.r.choice(large_kinds), g.num(500_000, 4_000_000)
                else:
                    k = g.r.choices(kinds, w)[0]
                    size = file_size(g) if k != "env" else g.num(200, 3_000)
                self.add(d, self.stem(k), k, size, cat)
                planned += size
        return planned


def plan(g: G, total: int) -> tuple[Planner, list[str]]:
    p = Planner(g)
    bin_budget = max(300_000, int(total * 0.004))
    ign_budget = int(total * 0.10)
    text_budget = total - bin_budget - ign_budget
    n_proj = max(3, round(total / (40 << 20)))
    arch_names = list(ARCHETYPES)
    projects = []
    for i in range(n_proj):
        arch = arch_names[i % len(arch_names)] if i < len(arch_names) else g.r.choice(arch_names)
        name = f"{g.w()}-{arch.split('-')[0]}"
        while name in projects:
            name = f"{g.w()}-{arch.split('-')[0]}"
        projects.append((name, arch))
    shares = [g.r.uniform(0.5, 1.5) for _ in projects]
    ssum = sum(shares)
    for (name, arch), sh in zip(projects, shares):
        p.dirs.append(name)
        budget = int(text_budget * sh / ssum)
        weights = ARCHETYPES[arch]
        # project root files, and hidden config files
        p.add(name, "README", "md", file_size(g), "tracked")
        for stem in [".env"] + g.r.sample([".env.example", ".env.local", ".env.production"], g.num(0, 2)):
            p.add(name, stem, "env", g.num(200, 2000), "tracked")
        if g.r.random() < 0.6:
            p.dirs.append(f"{name}/.github/workflows")
            for _ in range(g.num(1, 4)):
                p.add(f"{name}/.github/workflows", g.w(), "yaml", g.num(500, 6000), "tracked")
        if g.r.random() < 0.3:
            p.dirs.append(f"{name}/.vscode")
            p.add(f"{name}/.vscode", "settings", "json", g.num(300, 3000), "tracked")
        if arch in JS_ARCH:
            p.add(name, "package-lock", "lock", g.num(200_000, 3_000_000), "tracked")
        budget -= sum(f.size for f in p.files if f.rel.startswith(name + "/"))
        p.tree(name, max(budget, 0), weights, "tracked", 6, LARGE_KINDS.get(arch))
    # ignored: node_modules/, build/, *.log
    js_projects = [pr for pr in projects if pr[1] in JS_ARCH]
    nm_budget = int(ign_budget * 0.6) if js_projects else 0
    build_budget = int(ign_budget * 0.3) if js_projects else int(ign_budget * 0.85)
    log_budget = ign_budget - nm_budget - build_budget
    for i, (name, _arch) in enumerate(js_projects):
        b = nm_budget // len(js_projects)
        nmdir = f"{name}/node_modules"
        p.dirs.append(nmdir)
        done = 0
        while done < b:
            pkg = f"{g.w()}-{g.w()}" if g.r.random() < 0.7 else f"@{g.w()}/{g.w()}"
            pdir = f"{nmdir}/{pkg}"
            if pdir in p.dirs:
                continue
            p.dirs.append(pdir)
            done += p.add(pdir, "package", "json", g.num(500, 3000), "ignored").size
            done += p.add(pdir, "README", "md", file_size(g), "ignored").size
            for sub in g.r.sample(["dist", "lib", "esm", "cjs", "types"], g.num(1, 3)):
                sd = f"{pdir}/{sub}"
                p.dirs.append(sd)
                for _ in range(g.num(3, 25)):
                    if done >= b:
                        break
                    k = "ts" if sub == "types" else g.r.choice(["js", "js", "js", "minjs"])
                    size = file_size(g) if k != "minjs" else g.num(20_000, 400_000)
                    p.add(sd, p.stem(k), k, size, "ignored")
                    done += size
    for name, arch in projects:
        b = build_budget // len(projects)
        kinds = {k: v for k, v in ARCHETYPES[arch].items() if k not in ("md", "sh", "env")}
        kinds["html"] = kinds.get("html", 0) + 5
        p.dirs.append(f"{name}/build")
        p.tree(f"{name}/build", b, kinds, "ignored", 6)
    tracked_dirs = [d for d in p.dirs if "/node_modules" not in d and "/build" not in d and "/." not in d]
    done = 0
    while done < log_budget:
        d = g.r.choice(tracked_dirs)
        size = max(10_000, min(g.num(50_000, 2_000_000), log_budget - done))
        p.add(d, g.r.choice(["app", "debug", "server", "worker", "access", "error", "test-run"]), "log", size, "ignored")
        done += size
    # binaries, in tracked directories (not ignored: the tools must detect and skip them)
    done = 0
    while done < bin_budget:
        d = g.r.choice(tracked_dirs)
        size = g.num(10_000, 300_000)
        ext, _magic = g.r.choice(BIN_TYPES)
        fs = FileSpec(p.name(d, g.sn(), ext), "bin", size, "binary")
        p.files.append(fs)
        done += size
    return p, tracked_dirs


# --------------------------------------------------------------------------------------------
# Writing


def assemble(g: G, pools: Pools, fs: FileSpec) -> tuple[bytes, list[dict]]:
    """The bytes of one text file, and where its planted snippets landed."""
    kind = "js" if fs.kind == "minjs" else fs.kind
    ext, _b, header_fn, footer, sep, _n = BUILDERS[kind]
    header = header_fn(g).encode()
    footer_b = footer.encode()
    sep_b = sep.encode()
    pool, avg = pools.chunks[kind], pools.avg[kind]
    target = max(fs.size - len(header) - len(footer_b), 1)
    chunks: list[bytes] = []
    total = 0
    # stop at the chunk boundary nearest the target, so sizes average out to the plan
    done = False
    while not done:
        k = max(1, int((target - total) / (avg + len(sep_b))) + 1)
        for c in g.r.choices(pool, k=k):
            n = len(c) + len(sep_b)
            if chunks and total + n // 2 > target:
                done = True
                break
            chunks.append(c)
            total += n
    marks = []
    if fs.plant:
        for pl in fs.plant:
            i = g.num(0, len(chunks))
            chunks.insert(i, b"\0PLANT%d\0" % len(marks))
            marks.append(pl)
    if fs.built:  # positions drawn in choose_built_in (its own Random), not from g
        for pl in fs.built:
            chunks.insert(min(int(pl["_at"] * (len(chunks) + 1)), len(chunks)), b"\0PLANT%d\0" % len(marks))
            marks.append(pl)
    body = sep_b.join(chunks)
    if fs.kind == "minjs":
        body = re.sub(rb"\n\s*", b"", body)
    data = header + body + footer_b
    found = []
    # expand in file order, so a snippet's line count shifts only the snippets after it
    order = sorted(range(len(marks)), key=lambda i: data.index(b"\0PLANT%d\0" % i))
    for idx in order:
        pl = marks[idx]
        tag = b"\0PLANT%d\0" % idx
        pos = data.index(tag)
        text = pl["_text"].encode()
        start_line = data.count(b"\n", 0, pos) + 1
        data = data[:pos] + text + data[pos + len(tag):]
        rel_lines = pl["_text"].split("\n")
        url_off = next(i for i, ln in enumerate(rel_lines) if pl["_needle"] in ln)
        nlines = pl["_text"].rstrip("\n").count("\n")
        rec = {k: v for k, v in pl.items() if not k.startswith("_")}
        rec.update(path=fs.rel, line=start_line + url_off, span=[start_line, start_line + nlines])
        if "construct" in rec:  # built in code: the base-URL constant is the snippet's first line
            rec["base_line"] = start_line
        found.append(rec)
    return data, found


def binary_bytes(g: G, fs: FileSpec, url: str | None) -> tuple[bytes, int | None]:
    ext = os.path.splitext(fs.rel)[1]
    magic = dict(BIN_TYPES)[ext]
    data = bytearray(magic + g.r.randbytes(fs.size - len(magic)))
    off = None
    if url:
        off = g.num(len(magic) + 64, len(data) - len(url) - 64)
        data[off:off + len(url)] = url.encode()
    return bytes(data), off


def choose_plants(g: G, p: Planner, n_plants: int, n_v4: int, n_decoys: int, n_bin_decoys: int):
    """Attach planted snippets to FileSpecs. Returns (binary decoy {rel: url})."""
    by_kind: dict[str, list[FileSpec]] = {}
    ign_by_kind: dict[str, list[FileSpec]] = {}
    for fs in p.files:
        if fs.kind in ("minjs", "lock", "bin") or fs.size > 200_000:
            continue
        (by_kind if fs.cat == "tracked" else ign_by_kind).setdefault(fs.kind, []).append(fs)
    plant_kinds = [k for k in ("py", "js", "ts", "tsx", "go", "java", "kt", "rb", "php", "cs", "rs", "sh",
                               "yaml", "json", "md", "env", "ipynb", "html") if by_kind.get(k)]
    # forms: 20 key-in-path, 12 ?key=, 4 curl -G, 14 Bearer legacy (for 50); scaled if n differs
    forms = (["path"] * 20 + ["query"] * 12 + ["curlG"] * 4 + ["bearer"] * 14)
    forms = [forms[int(i * len(forms) / n_plants)] for i in range(n_plants)]
    seq = []
    curl_kinds = [k for k in ("sh", "md") if k in plant_kinds]
    other = [k for k in plant_kinds]
    rot = g.r.sample(other, len(other))
    ri = 0
    for form in forms:
        if form == "curlG":
            seq.append((g.r.choice(curl_kinds), form))
        else:
            seq.append((rot[ri % len(rot)], form))
            ri += 1
    seq += [(rot[(ri + i) % len(rot)], "v4") for i in range(n_v4)]
    taken: set[str] = set()

    def pick(pool: list[FileSpec]) -> FileSpec:
        free = [fs for fs in pool if fs.rel not in taken]
        fs = g.r.choice(free or pool)  # a small corpus may need two snippets in one file
        taken.add(fs.rel)
        return fs

    def make(kind: str, form: str, idp: str, i: int) -> dict:
        eps = {"path": PATH_EPS, "query": QUERY_EPS, "curlG": CURLG_EPS, "bearer": BEARER_EPS, "v4": V4_EPS}[form]
        method, path, ep = g.r.choice(eps)
        host = g.r.choice(VOISO_HOSTS)
        url = f"https://{host}{path}"
        text = snippet(kind, g, method, url, form)
        return {"id": f"{idp}{i:03d}", "kind": kind, "form": form, "endpoint": ep, "method": method,
                "url": url.replace("{KEY}", "<key>"), "expected_rule": EXPECTED_RULE[form],
                "_text": text, "_needle": host}

    for i, (kind, form) in enumerate(seq):
        fs = pick(by_kind[kind])
        fs.plant = (fs.plant or []) + [make(kind, form, "P" if form != "v4" else "C", i + 1)]
    # decoys in ignored files (node_modules JS, build/ sources, logs)
    ign_kinds = [k for k in ign_by_kind if k in ("js", "ts", "py", "java", "kt", "go", "cs", "rb", "php", "rs", "html", "json", "yaml", "log")]
    for i in range(n_decoys):
        kind = g.r.choice(ign_kinds)
        fs = pick(ign_by_kind[kind])
        if kind == "log":
            host = g.r.choice(VOISO_HOSTS)
            method, path, ep = g.r.choice(PATH_EPS + QUERY_EPS)
            url = f"https://{host}{path.replace('{KEY}', g.hexs(32))}"
            text = (f"2024-03-{g.num(1, 28):02d}T10:{g.num(0, 59):02d}:00.000Z INFO http request method={method} "
                    f"url={url} status=200 duration_ms={g.num(20, 400)}\n")
            rec = {"id": f"D{i + 1:03d}", "kind": kind, "form": "log", "endpoint": ep, "method": method,
                   "url": url, "expected_rule": None, "_text": text, "_needle": host}
        else:
            form = g.r.choice(["path", "query", "bearer"])
            rec = make(kind, form, "D", i + 1)
            rec["expected_rule"] = None
        fs.plant = (fs.plant or []) + [rec]
    # binaries with a Voiso URL inside
    bins = [fs for fs in p.files if fs.cat == "binary"]
    bin_urls = {}
    for fs in g.r.sample(bins, min(n_bin_decoys, len(bins))):
        method, path, _ep = g.r.choice(PATH_EPS + QUERY_EPS)
        bin_urls[fs.rel] = f"https://{g.r.choice(VOISO_HOSTS)}{path.replace('{KEY}', g.hexs(32))}"
    return bin_urls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="directory to create (its parent gets <name>.planted.json)")
    ap.add_argument("--size-mb", type=float, default=1024.0, help="total bytes to write, in MiB (default 1024)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plants", type=int, default=50, help="legacy Voiso calls to plant (default 50)")
    ap.add_argument("--built-in", type=int, default=20,
                    help="legacy Voiso calls built in code (URL assembled across statements; default 20; "
                         "0 gives the tree of versions before this category)")
    ap.add_argument("--force", action="store_true", help="delete --out first if it exists")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()

    out = os.path.abspath(a.out.rstrip("/"))
    manifest = os.path.join(os.path.dirname(out), os.path.basename(out) + ".planted.json")
    if os.path.exists(out) and os.listdir(out):
        if not a.force:
            print(f"gen_corpus: {out} exists and is not empty (use --force)", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    if os.path.exists(manifest):
        os.remove(manifest)
    t0 = time.time()
    total = int(a.size_mb * (1 << 20))
    g = G(random.Random(a.seed))
    pools = Pools(g)
    p, _tracked_dirs = plan(g, total)
    bin_urls = choose_plants(g, p, a.plants, n_v4=8, n_decoys=40, n_bin_decoys=8)
    choose_built_in(a.seed, p, a.built_in)
    t_plan = time.time() - t0

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, ".gitignore"), "w") as fh:
        fh.write("# dependencies and build output\nnode_modules/\nbuild/\n*.log\n")
    made_dirs: set[str] = set()
    stats = {"files": 0, "bytes": 0, "tracked_text_files": 0, "tracked_text_bytes": 0, "ignored_files": 0,
             "ignored_bytes": 0, "binary_files": 0, "binary_bytes": 0, "by_ext": {}}
    planted, clean, decoys, bdecoys, built = [], [], [], [], []
    max_depth = 0
    for fs in p.files:
        d = os.path.dirname(fs.rel)
        if d not in made_dirs:
            os.makedirs(os.path.join(out, d), exist_ok=True)
            made_dirs.add(d)
            max_depth = max(max_depth, d.count("/") + 1)
        if fs.cat == "binary":
            data, off = binary_bytes(g, fs, bin_urls.get(fs.rel))
            if off is not None:
                bdecoys.append({"path": fs.rel, "offset": off, "url": bin_urls[fs.rel], "expected_rule": None})
        else:
            data, found = assemble(g, pools, fs)
            for rec in found:
                (built if "construct" in rec else decoys if fs.cat == "ignored" else
                 clean if rec["form"] == "v4" else planted).append(rec)
        with open(os.path.join(out, fs.rel), "wb") as fh:
            fh.write(data)
        n = len(data)
        stats["files"] += 1
        stats["bytes"] += n
        key = {"tracked": "tracked_text", "ignored": "ignored", "binary": "binary"}[fs.cat]
        stats[key + "_files"] += 1
        stats[key + "_bytes"] += n
        ext = os.path.splitext(fs.rel)[1] or os.path.basename(fs.rel)
        if fs.kind == "minjs":
            ext = ".min.js"
        e = stats["by_ext"].setdefault(ext, [0, 0])
        e[0] += 1
        e[1] += n
    stats["files"] += 1  # .gitignore
    stats["dirs"] = len(made_dirs)
    stats["max_dir_depth"] = max_depth
    stats["scanned_bytes"] = stats["tracked_text_bytes"] + stats["binary_bytes"]  # not ignored
    stats["by_ext"] = {k: {"files": v[0], "bytes": v[1]} for k, v in sorted(stats["by_ext"].items())}
    for lst in (planted, clean, decoys, built):
        lst.sort(key=lambda r: r["id"])
    elapsed = time.time() - t0
    doc = {
        "generator": "bench/gen_corpus.py", "seed": a.seed, "size_mb": a.size_mb, "root": out,
        "note": ("planted: legacy Voiso calls in tracked text that scopeshift must report (line = the line with the "
                 "Voiso URL, span = the snippet's lines). clean_v4: v4 calls that need no finding. ignored_decoys: "
                 "Voiso calls in .gitignore'd files, binary_decoys: Voiso URLs inside binary files; neither may be "
                 "reported (without --no-ignore)."),
        "stats": stats, "planted": planted, "clean_v4": clean, "ignored_decoys": decoys, "binary_decoys": bdecoys,
        "seconds": round(elapsed, 1),
    }
    if a.built_in > 0:  # absent with --built-in 0, so that manifest matches earlier versions too
        doc["built_in_code"] = built
        doc["built_in_note"] = (
            "built_in_code: legacy Voiso calls whose URL is assembled across statements (a base-URL constant, then "
            "an f-string, Sprintf, String.format, concatenation, interpolation or a params map that adds the key); "
            "a separate category from `planted`, generated from random.Random(seed + %d). line = the line that "
            "places the key, base_line = the constant's line, span = the whole snippet." % BUILT_SEED_OFFSET)
    with open(manifest + ".tmp", "w") as fh:
        json.dump(doc, fh, indent=1)
    os.replace(manifest + ".tmp", manifest)
    if not a.quiet:
        mb = stats["bytes"] / (1 << 20)
        print(f"gen_corpus: {out}: {stats['files']} files in {stats['dirs']} dirs, {mb:.1f} MiB "
              f"(tracked text {stats['tracked_text_bytes'] / (1 << 20):.1f}, ignored {stats['ignored_bytes'] / (1 << 20):.1f}, "
              f"binary {stats['binary_bytes'] / (1 << 20):.1f}); planted {len(planted)}, clean v4 {len(clean)}, "
              f"ignored decoys {len(decoys)}, binary decoys {len(bdecoys)}, built in code {len(built)}; "
              f"{elapsed:.1f}s (pools {pools.build_s:.1f}s, plan {t_plan:.1f}s)", file=sys.stderr)
        print(f"gen_corpus: expected locations in {manifest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
