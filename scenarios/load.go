package scenarios

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Load reads the scenarios of paths: files, directories (every .yaml and
// .yml file under them) and glob patterns. Any error in any file fails the
// whole load, so nothing runs from a half-read set: the error is an
// ErrorList of every problem found, file by file, each as
// file:line:column: reason.
func Load(paths ...string) ([]*Scenario, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	var all []*Scenario
	var errs ErrorList
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sc, err := Parse(f, data)
		if list, ok := err.(ErrorList); ok {
			errs = append(errs, list...)
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, sc...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return all, nil
}

// ErrorList is what Load and Parse refuse scenario files with: every
// problem found, in the order of the files and, within a file, of its
// lines, each a *PosError (or an error reading a file). Its text is one
// problem a line, the first maxShown of them.
type ErrorList []error

// maxShown is how many problems an ErrorList's text shows before "and N
// more errors".
const maxShown = 20

// Error renders the problems one a line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == maxShown {
			more := len(l) - maxShown
			fmt.Fprintf(&b, "\nand %d more %s", more, plural(more, "error"))
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives the problems to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error { return l }

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// expand turns paths into a sorted list of scenario files.
func expand(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, errors.New("no scenario files given")
	}
	var out []string
	for _, p := range paths {
		matches := []string{p}
		if strings.ContainsAny(p, "*?[") {
			m, err := filepath.Glob(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("%s: no file matches", p)
			}
			matches = m
		}
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				return nil, err
			}
			if !st.IsDir() {
				out = append(out, m)
				continue
			}
			n := len(out)
			err = filepath.WalkDir(m, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && isScenarioFile(path) {
					out = append(out, path)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			if len(out) == n {
				return nil, fmt.Errorf("%s: no .yaml or .yml file in the directory", m)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func isScenarioFile(path string) bool {
	ext := filepath.Ext(path)
	return ext == ".yaml" || ext == ".yml"
}

// Parse reads the scenarios of one file: each YAML document holds one
// scenario (a mapping) or a list of them. A file with problems is refused
// with an ErrorList of all of them, in file order; only bad YAML, which
// leaves the rest unreadable, stops at the first.
func Parse(file string, data []byte) ([]*Scenario, error) {
	sc, errs := parse(data)
	for _, s := range sc {
		s.File = file
		for _, st := range s.Steps {
			if st.Sends == nil || st.Sends.File == "" {
				continue
			}
			fi, err := os.Stat(st.Sends.path(file))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				errs = append(errs, &PosError{Line: st.Line, Column: st.Column, Reason: fmt.Sprintf("sends: file: %s: no such file (looked for %s, beside the scenario file)", st.Sends.File, st.Sends.path(file))})
			case err != nil:
				errs = append(errs, &PosError{Line: st.Line, Column: st.Column, Reason: "sends: file: " + err.Error()})
			case !fi.Mode().IsRegular():
				errs = append(errs, &PosError{Line: st.Line, Column: st.Column, Reason: "sends: file: " + st.Sends.File + " is not a file"})
			}
		}
	}
	if len(errs) == 0 {
		return sc, nil
	}
	slices.SortStableFunc(errs, func(a, b *PosError) int { return cmp.Or(a.Line-b.Line, a.Column-b.Column) })
	var list ErrorList
	for i, e := range errs {
		if i > 0 && *e == *errs[i-1] { // one value borrowed twice (an alias)
			continue
		}
		list = append(list, &PosError{File: file, Line: e.Line, Column: e.Column, Reason: e.Reason})
	}
	return nil, list
}

// path is the file a sends: step names, relative to the scenario file.
func (s *SendStep) path(scenarioFile string) string {
	if filepath.IsAbs(s.File) {
		return s.File
	}
	return filepath.Join(filepath.Dir(scenarioFile), s.File)
}

// parse reads the scenarios of a file, and every problem in it.
func parse(data []byte) ([]*Scenario, []*PosError) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, []*PosError{decodeError(err, nil, nil)}
	}
	resolveAliases(f)
	var out []*Scenario
	var errs []*PosError
	for _, doc := range f.Docs {
		body := unwrapAnchor(doc.Body)
		if body == nil {
			continue
		}
		var nodes []ast.Node
		switch b := body.(type) {
		case *ast.SequenceNode:
			nodes = b.Values
		case *ast.MappingNode, *ast.MappingValueNode:
			nodes = []ast.Node{b}
		default:
			errs = append(errs, nodeError(body, "a scenario file holds a scenario (a mapping with name: and steps:) or a list of them; got %s", found(body)))
			continue
		}
		for _, n := range nodes {
			s, problems := parseScenario(n)
			errs = append(errs, problems...)
			if s != nil {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 && len(errs) == 0 {
		return nil, []*PosError{{Line: 1, Column: 1, Reason: "no scenario in the file"}}
	}
	seen := map[string]int{}
	for _, s := range out {
		if s.Name == "" {
			continue
		}
		if prev, dup := seen[s.Name]; dup {
			errs = append(errs, &PosError{Line: s.Line, Column: 1, Reason: fmt.Sprintf("a second scenario named %q (the first is on line %d)", s.Name, prev)})
			continue
		}
		seen[s.Name] = s.Line
	}
	return out, errs
}

// parseScenario reads one scenario, and every problem in it: each key of
// the wrong kind or unknown, each step that cannot be read or cannot run.
// A part with a problem is left out of the checks that follow, so that one
// mistake is told once; the scenario is returned all the same (nil only
// when it is no mapping), so that its other steps are checked further.
func parseScenario(n ast.Node) (*Scenario, []*PosError) {
	n = unwrapAnchor(n)
	if !isMapping(n) {
		return nil, []*PosError{nodeError(n, "a scenario is a mapping with name: and steps:; got %s", found(n))}
	}
	c := newShapeCheck()
	s := &Scenario{}
	s.Line, _ = nodePos(n)
	s.at = valuePlaces{clock: valueAt(n, "setup", "clock"), profile: valueAt(n, "setup", "profile"), referral: valueAt(n, "user", "referral")}
	kvs := mappingValues(n)
	if slices.ContainsFunc(kvs, func(kv *ast.MappingValueNode) bool { return kv.Key.IsMergeKey() }) {
		// Keys merged in (<<:) may be any of the scenario's: read it whole.
		c.walk("", n, scenarioType)
		if len(c.errs) > 0 {
			return nil, c.errs
		}
		if err := yaml.NodeToValue(n, s, decodeOpts()...); err != nil {
			return nil, []*PosError{decodeError(err, n, c)}
		}
		return s, s.problems(n, nil, nil)
	}
	var keep []*ast.MappingValueNode
	var steps ast.Node
	bad := map[string]bool{}
	for _, kv := range kvs {
		name := keyName(kv.Key)
		f, ok := yamlField(scenarioType, name)
		switch {
		case !ok:
			// The key it was meant to be is not judged missing too.
			if near := c.unknownKey(kv.Key, "", scenarioType, name); near != "" {
				bad[near] = true
			}
		case name == "steps":
			steps = kv.Value
		default:
			before := len(c.errs)
			c.walk(name, kv.Value, f.Type)
			if len(c.errs) > before {
				bad[name] = true
			} else {
				keep = append(keep, kv)
			}
		}
	}
	if len(keep) > 0 {
		if err := yaml.NodeToValue(&ast.MappingNode{BaseNode: &ast.BaseNode{}, Values: keep}, s, decodeOpts()...); err != nil {
			c.errs = append(c.errs, decodeError(err, n, c))
			for _, kv := range keep {
				bad[keyName(kv.Key)] = true
			}
		}
	}
	read := c.steps(steps, bad)
	for _, st := range read {
		s.Steps = append(s.Steps, st.Step)
	}
	return s, append(c.errs, s.problems(n, read, bad)...)
}

// readStep is a step as read: ok false when it was refused already, and
// then holds only its line, its column and its key, so that what follows
// it knows whether the user acted.
type readStep struct {
	Step
	ok bool
}

// steps reads the steps: list, each step on its own.
func (c *shapeCheck) steps(n ast.Node, bad map[string]bool) []readStep {
	n = unwrapAnchor(n)
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		if _, null := n.(*ast.NullNode); n != nil && !null {
			c.fail(n, "steps: want %s; got %s", listsOf["steps"], found(n))
			bad["steps"] = true
		}
		return nil
	}
	var out []readStep
	for i, item := range seq.Values {
		item = unwrapAnchor(item)
		var st readStep
		st.Line, st.Column = nodePos(item)
		before := len(c.errs)
		if _, null := item.(*ast.NullNode); null {
			c.fail(item, "step %d is empty (a null step); a step is a mapping with one key such as says: or expect:", i+1)
		} else {
			c.walk("", item, stepType)
		}
		if len(c.errs) == before {
			if err := yaml.NodeToValue(item, &st.Step, decodeOpts()...); err != nil {
				pe := decodeError(err, item, c)
				if kvs := mappingValues(item); len(kvs) == 1 {
					// A tap's own check knows not which tap it is.
					if key := keyName(kvs[0].Key); (key == "taps_button" || key == "taps_quick_reply") && !strings.HasPrefix(pe.Reason, key+":") {
						pe.Reason = key + ": " + pe.Reason
					}
				}
				c.errs = append(c.errs, pe)
			} else {
				st.ok = true
			}
		}
		if !st.ok {
			st.Step = standIn(item)
		}
		out = append(out, st)
	}
	return out
}

// standIn is a refused step as far as the checks of the steps after it
// need: its key (or the known key nearest to it) set to an empty value,
// and its place.
func standIn(n ast.Node) Step {
	var st Step
	st.Line, st.Column = nodePos(n)
	if kvs := mappingValues(n); len(kvs) > 0 {
		key := keyName(kvs[0].Key)
		if _, known := yamlField(stepType, key); !known {
			key = nearest(key, yamlKeys(stepType)) // say: is taken for says:
		}
		if f, ok := yamlField(stepType, key); ok {
			v := reflect.ValueOf(&st).Elem().FieldByIndex(f.Index)
			switch v.Kind() {
			case reflect.Pointer:
				v.Set(reflect.New(f.Type.Elem()))
			case reflect.Slice:
				v.Set(reflect.MakeSlice(f.Type, 0, 0))
			}
		}
	}
	return st
}

// problems are why a scenario that reads cannot run: every one, each at
// its step. read are its steps (nil: all of s.Steps, read whole); bad the
// keys refused already, which are not judged again.
func (s *Scenario) problems(n ast.Node, read []readStep, bad map[string]bool) []*PosError {
	if read == nil {
		for _, st := range s.Steps {
			read = append(read, readStep{Step: st, ok: true})
		}
	}
	var errs []*PosError
	if !bad["name"] && strings.TrimSpace(s.Name) == "" {
		errs = append(errs, nodeError(n, "a scenario needs a name:"))
	}
	if !bad["steps"] && len(read) == 0 {
		errs = append(errs, nodeError(n, "scenario %q has no steps (a list under steps: with one such as says: or expect:)", s.Name))
	}
	at := func(p place, reason string) *PosError {
		if p.line == 0 {
			return nodeError(n, "%s", reason)
		}
		return &PosError{Line: p.line, Column: p.col, Reason: reason}
	}
	if s.Setup.Clock != "" {
		if _, err := parseClock(s.Setup.Clock); err != nil {
			errs = append(errs, at(s.at.clock, fmt.Sprintf("setup: clock: %q is not an RFC 3339 time such as 2026-03-01T09:00:00Z", s.Setup.Clock)))
		}
	}
	if s.Setup.Profile != nil && len(s.Setup.Profile) == 0 {
		// The Messenger Profile API refuses an empty body: say so before anything runs.
		errs = append(errs, at(s.at.profile, "setup: profile: give at least one Messenger Profile setting, such as greeting (or leave profile: out)"))
	}
	if r := s.User.Referral; r != nil {
		if err := checkReferral(r); err != "" {
			errs = append(errs, at(s.at.referral, "user: referral: "+err))
		}
	}
	// A user refused already may have had a referral: the steps are not
	// then told the user had not acted.
	userActed := s.User.Referral != nil || bad["user"]
	userWrote := false
	for _, st := range read {
		if st.ok {
			if reason := st.check(userActed, userWrote); reason != "" {
				errs = append(errs, &PosError{Line: st.Line, Column: st.Column, Reason: reason})
			}
		}
		if st.isUserStep() {
			userActed = true
		}
		if st.Says != nil || st.Sends != nil || st.TapsQuickReply != nil {
			userWrote = true
		}
	}
	return errs
}

// valueAt is where the value at the path of keys sits in the mapping n:
// a scalar's own place, the key's for a mapping or a list (a zero place
// when it is not written there).
func valueAt(n ast.Node, keys ...string) place {
	var key ast.Node
	for _, k := range keys {
		var next *ast.MappingValueNode
		for _, kv := range mappingValues(unwrapAnchor(n)) {
			if !kv.Key.IsMergeKey() && keyName(kv.Key) == k {
				next = kv
			}
		}
		if next == nil {
			return place{}
		}
		key, n = next.Key, next.Value
	}
	n = unwrapAnchor(n)
	if n == nil || isCollection(n) || isMapping(n) {
		n = key
	}
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return place{}
	}
	line, col := nodePos(n)
	return place{line, col}
}

// unwrapAnchor is the value an anchor names (n itself if none).
func unwrapAnchor(n ast.Node) ast.Node {
	for {
		a, ok := n.(*ast.AnchorNode)
		if !ok {
			return n
		}
		n = a.Value
	}
}

// resolveAliases puts in place of each alias the value its anchor names
// (the latest anchor of that name before it in the document, as YAML
// reads them), so that a scenario, or a step, is checked and decoded on
// its own with what it borrows. An alias of no anchor is left to the
// decoder to refuse.
func resolveAliases(f *ast.File) {
	for _, doc := range f.Docs {
		anchors := map[string]ast.Node{}
		var visit func(n ast.Node) ast.Node
		visit = func(n ast.Node) ast.Node {
			switch v := n.(type) {
			case *ast.AliasNode:
				if v.Value != nil && v.Value.GetToken() != nil {
					if a, ok := anchors[v.Value.GetToken().Value]; ok {
						return a
					}
				}
			case *ast.AnchorNode:
				v.Value = visit(v.Value)
				if v.Name != nil && v.Name.GetToken() != nil {
					anchors[v.Name.GetToken().Value] = v.Value // once whole: it cannot hold itself
				}
			case *ast.TagNode:
				v.Value = visit(v.Value)
			case *ast.MappingNode:
				for _, kv := range v.Values {
					kv.Value = visit(kv.Value)
				}
			case *ast.MappingValueNode:
				v.Value = visit(v.Value)
			case *ast.SequenceNode:
				for i := range v.Values {
					v.Values[i] = visit(v.Values[i])
				}
			}
			return n
		}
		if doc.Body != nil {
			doc.Body = visit(doc.Body)
		}
	}
}

// decodeError turns an error of the YAML library into a PosError in the
// file's words: at a value the shape check walked (c), as what its key
// must be; else the library's message without its source excerpt, at its
// place, or at n.
func decodeError(err error, n ast.Node, c *shapeCheck) *PosError {
	var pe *PosError
	if errors.As(err, &pe) {
		cp := *pe
		return &cp
	}
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil && ye.GetToken().Position != nil {
		p := ye.GetToken().Position
		reason := yamlReason(err, ye)
		if c != nil {
			var te *yaml.TypeError
			var oe *yaml.OverflowError
			var ue *yaml.UnexpectedNodeTypeError
			if w, ok := c.at[[2]int{p.Line, p.Column}]; ok && (errors.As(err, &te) || errors.As(err, &oe) || errors.As(err, &ue)) {
				reason = fmt.Sprintf("%swant %s; got %s", keyPrefix(w.key), want(w.key, w.t), found(w.n))
			}
		}
		return &PosError{Line: p.Line, Column: p.Column, Reason: reason}
	}
	line, col := 1, 1
	if n != nil && n.GetToken() != nil {
		line, col = nodePos(n)
	}
	return &PosError{Line: line, Column: col, Reason: err.Error()}
}

// yamlReason words a YAML library error in the file's terms, not Go's.
func yamlReason(err error, ye yaml.Error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("wrong type: want %s, got %s", yamlKind(te.DstType.String()), yamlKind(te.SrcType.String()))
	}
	var ue *yaml.UnexpectedNodeTypeError
	if errors.As(err, &ue) {
		return fmt.Sprintf("want %s; got %s", nodeTypeWord(ue.Expected), nodeTypeWord(ue.Actual))
	}
	var oe *yaml.OverflowError
	if errors.As(err, &oe) {
		return fmt.Sprintf("%s is too large for %s", oe.SrcNum, yamlKind(oe.DstType.String()))
	}
	msg := ye.GetMessage()
	if name, ok := strings.CutPrefix(msg, "could not find alias "); ok {
		name = strings.Trim(name, `"`)
		return fmt.Sprintf("*%s names no anchor: write &%s on a value before it", name, name)
	}
	if strings.Contains(msg, "not allowed in this context") {
		msg += " (is this line indented as the one before it?)"
	}
	return msg
}

// nodeTypeWord names a kind of YAML node the way a YAML author thinks of it.
func nodeTypeWord(t ast.NodeType) string {
	switch t {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.StringType, ast.LiteralType:
		return "text"
	case ast.IntegerType, ast.FloatType, ast.InfinityType, ast.NanType:
		return "a number"
	case ast.BoolType:
		return "true or false"
	case ast.NullType:
		return "nothing (null)"
	}
	return strings.ToLower(t.String())
}

// yamlKind names a Go type the way a YAML author thinks of it.
func yamlKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "scenarios."), strings.HasPrefix(goType, "*scenarios."):
		return "a mapping"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.Contains(goType, "string"):
		return "text"
	}
	return goType
}
