// Interop check of the platform's transparency log against Go's golang.org/x/mod/sumdb/note and
// golang.org/x/mod/sumdb/tlog packages (documentation only; not part of the build).
//
//	apt-get install -y golang-go golang-golang-x-mod-dev
//	GO111MODULE=off GOPATH=/usr/share/gocode go run bench/transparency-interop/main.go http://127.0.0.1:3000 [WITNESS_VKEY…]
//
// It opens the checkpoint with note.Open, recomputes the root with tlog.TreeHash over the served
// tiles (tlog.TileHashReader; Go's tile paths carry the height, tile/8/L/N, C2SP's do not), checks
// every entry of the first bundles with tlog.RecordHash, and proves/checks inclusion and
// consistency with tlog.ProveRecord/CheckRecord and tlog.ProveTree/CheckTree.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var prefix string

func get(path string) []byte {
	res, err := http.Get(prefix + "/" + path)
	check(err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	check(err)
	if res.StatusCode != 200 {
		fail("GET %s: %d %s", path, res.StatusCode, body)
	}
	return body
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

type tiles struct{}

func (tiles) Height() int                     { return 8 }
func (tiles) SaveTiles([]tlog.Tile, [][]byte) {}
func (tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, t := range ts {
		// Go: tile/8/L/N[.p/W]; C2SP tlog-tiles: tile/L/N[.p/W].
		out[i] = get(strings.Replace(t.Path(), "tile/8/", "tile/", 1))
	}
	return out, nil
}

func main() {
	prefix = strings.TrimRight(os.Args[1], "/") + "/api/transparency/log"
	vkey := strings.TrimSpace(string(get("key")))
	verifier, err := note.NewVerifier(vkey)
	check(err)
	msg := get("checkpoint")
	n, err := note.Open(msg, note.VerifierList(verifier))
	check(err)
	lines := strings.Split(n.Text, "\n")
	size, err := strconv.ParseInt(lines[1], 10, 64)
	check(err)
	root, err := tlog.ParseHash(lines[2])
	check(err)
	fmt.Printf("note.Open: checkpoint of %s verified with %s (%d signatures by known keys, %d others)\n", lines[0], vkey, len(n.Sigs), len(n.UnverifiedSigs))

	thr := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, tiles{})
	h, err := tlog.TreeHash(size, thr)
	check(err)
	if h != root {
		fail("tlog.TreeHash over the tiles = %v, checkpoint root %v", h, root)
	}
	fmt.Printf("tlog.TreeHash over the served tiles = checkpoint root %s (size %d)\n", root, size)

	checked := 0
	for b := int64(0); b*256 < size && b < 3; b++ {
		w := size - b*256
		path := fmt.Sprintf("tile/entries/%03d", b)
		if w < 256 {
			path += fmt.Sprintf(".p/%d", w)
		} else {
			w = 256
		}
		bundle := get(path)
		for i := int64(0); i < w; i++ {
			l := int(binary.BigEndian.Uint16(bundle))
			entry := bundle[2 : 2+l]
			bundle = bundle[2+l:]
			hs, err := thr.ReadHashes([]int64{tlog.StoredHashIndex(0, b*256+i)})
			check(err)
			if tlog.RecordHash(entry) != hs[0] {
				fail("entry %d does not hash to its leaf", b*256+i)
			}
			checked++
		}
		if len(bundle) != 0 {
			fail("bundle %d has trailing bytes", b)
		}
	}
	fmt.Printf("tlog.RecordHash of %d entries from the entry bundles = their leaf hashes\n", checked)

	for _, old := range []int64{1, 2, 255, 256, 257, size / 2, size - 1} {
		if old < 1 || old > size {
			continue
		}
		oldRoot, err := tlog.TreeHash(old, thr)
		check(err)
		p, err := tlog.ProveTree(size, old, thr)
		check(err)
		check(tlog.CheckTree(p, size, root, old, oldRoot))
		rp, err := tlog.ProveRecord(size, old-1, thr)
		check(err)
		leaf, err := thr.ReadHashes([]int64{tlog.StoredHashIndex(0, old-1)})
		check(err)
		check(tlog.CheckRecord(rp, size, root, old-1, leaf[0]))
	}
	fmt.Println("tlog.ProveTree/CheckTree and ProveRecord/CheckRecord hold for sizes 1, 2, 255, 256, 257, n/2, n-1")

	// Witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1), checked with the standard
	// library only: key ID = SHA-256(name || "\n" || 0x04 || pub)[:4], signature = u64 timestamp ||
	// Ed25519 over "cosignature/v1\ntime <t>\n" || note text.
	for _, w := range os.Args[2:] {
		parts := strings.SplitN(w, "+", 3)
		raw, err := base64.StdEncoding.DecodeString(parts[2])
		check(err)
		if len(raw) != 33 || raw[0] != 0x04 {
			fail("%s is not a cosignature/v1 vkey", w)
		}
		id := sha256.Sum256(append([]byte(parts[0]+"\n\x04"), raw[1:]...))
		if fmt.Sprintf("%x", id[:4]) != parts[1] {
			fail("key ID of %s does not match", w)
		}
		found := false
		for _, sig := range n.UnverifiedSigs {
			if sig.Name != parts[0] || sig.Hash != binary.BigEndian.Uint32(id[:4]) {
				continue
			}
			b, err := base64.StdEncoding.DecodeString(sig.Base64)
			check(err)
			ts := binary.BigEndian.Uint64(b[4:12])
			m := fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, n.Text)
			if !ed25519.Verify(ed25519.PublicKey(raw[1:]), []byte(m), b[12:]) {
				fail("cosignature by %s does not verify", parts[0])
			}
			found = true
			fmt.Printf("cosignature/v1 by %s (time %d) verifies with crypto/ed25519\n", parts[0], ts)
		}
		if !found {
			fail("no cosignature by %s", parts[0])
		}
	}
}
