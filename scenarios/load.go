package scenarios

import (
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
// whole load, so nothing runs from a half-read set: the error lists one
// problem per file, each as file:line:column: reason.
func Load(paths ...string) ([]*Scenario, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	var all []*Scenario
	var errs []error
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sc, err := Parse(f, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, sc...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return all, nil
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
// scenario (a mapping) or a list of them.
func Parse(file string, data []byte) ([]*Scenario, error) {
	sc, err := parse(data)
	if err != nil {
		return nil, withFile(file, err)
	}
	for _, s := range sc {
		s.File = file
		for _, st := range s.Steps {
			if st.Sends == nil || st.Sends.File == "" {
				continue
			}
			fi, err := os.Stat(st.Sends.path(file))
			if err != nil {
				return nil, &PosError{File: file, Line: st.Line, Column: st.Column, Reason: "sends: file: " + err.Error()}
			}
			if !fi.Mode().IsRegular() {
				return nil, &PosError{File: file, Line: st.Line, Column: st.Column, Reason: "sends: file: " + st.Sends.File + " is not a file"}
			}
		}
	}
	return sc, nil
}

// path is the file a sends: step names, relative to the scenario file.
func (s *SendStep) path(scenarioFile string) string {
	if filepath.IsAbs(s.File) {
		return s.File
	}
	return filepath.Join(filepath.Dir(scenarioFile), s.File)
}

func parse(data []byte) ([]*Scenario, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, err
	}
	var out []*Scenario
	for _, doc := range f.Docs {
		body := doc.Body
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
			return nil, nodeError(body, "a scenario file holds a scenario (a mapping with name: and steps:) or a list of them, got %s", body.Type())
		}
		for _, n := range nodes {
			s, err := parseScenario(n)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, &PosError{Line: 1, Column: 1, Reason: "no scenario in the file"}
	}
	seen := map[string]int{}
	for _, s := range out {
		if prev, dup := seen[s.Name]; dup {
			return nil, &PosError{Line: s.Line, Column: 1, Reason: fmt.Sprintf("a second scenario named %q (the first is on line %d)", s.Name, prev)}
		}
		seen[s.Name] = s.Line
	}
	return out, nil
}

func parseScenario(n ast.Node) (*Scenario, error) {
	if _, ok := n.(*ast.MappingNode); !ok {
		if _, ok := n.(*ast.MappingValueNode); !ok {
			return nil, nodeError(n, "a scenario is a mapping with name: and steps:, got %s", n.Type())
		}
	}
	s := &Scenario{}
	if err := textsAreText(n, reflect.TypeFor[Scenario]()); err != nil {
		return nil, err
	}
	if err := yaml.NodeToValue(n, s, decodeOpts()...); err != nil {
		return nil, err
	}
	s.Line, _ = nodePos(n)
	if err := s.check(n); err != nil {
		return nil, err
	}
	return s, nil
}

// withFile turns a decoding error into a PosError of file.
func withFile(file string, err error) error {
	var pe *PosError
	if errors.As(err, &pe) {
		c := *pe
		c.File = file
		return &c
	}
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return &PosError{File: file, Line: p.Line, Column: p.Column, Reason: yamlReason(err, ye)}
	}
	return &PosError{File: file, Line: 1, Column: 1, Reason: err.Error()}
}

// yamlReason words a YAML library error in the file's terms, not Go's.
func yamlReason(err error, ye yaml.Error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("wrong type: want %s, got %s", yamlKind(te.DstType.String()), yamlKind(te.SrcType.String()))
	}
	msg := ye.GetMessage()
	if strings.Contains(msg, "not allowed in this context") {
		msg += " (is this line indented as the one before it?)"
	}
	return msg
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
		return "a string"
	}
	return goType
}
