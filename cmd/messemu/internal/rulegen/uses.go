package rulegen

// What the source does with a rule: the calls that record a violation
// with it, followed through helpers, local variables and struct fields.

import (
	"go/ast"
	"go/token"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// usesOfVar finds every use of rule variable v: as an argument of a call
// that records a violation, directly or through helpers, or as the Rule of
// a Violation literal. It follows v through a local variable it is
// assigned to and a struct field it is stored in.
func (a *analysis) usesOfVar(v string) []use {
	var out []use
	fields := a.fieldsHolding(v)
	for _, f := range a.files {
		var last *ast.FuncDecl // the newest function declaration: a call's, if it holds it
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				last = n
				if n.Body != nil {
					for _, alias := range localAliases(n.Body, v) {
						out = append(out, a.argUses(n.Body, func(e ast.Expr) bool { return isIdent(e, alias) })...)
					}
				}
			case *ast.CallExpr:
				for i, arg := range n.Args {
					if isIdent(arg, v) {
						var in *ast.BlockStmt
						if last != nil && last.Body != nil && last.Pos() <= n.Pos() && n.End() <= last.End() {
							in = last.Body
						}
						out = append(out, a.errorsFrom(a.callUses(n, i, nil), n, i, in)...)
					}
					if se, ok := arg.(*ast.SelectorExpr); ok && fields[se.Sel.Name] {
						out = append(out, a.callUses(n, i, nil)...)
					}
				}
			case *ast.CompositeLit:
				if u, ok := violationLiteral(n, v); ok {
					out = append(out, u)
				}
			}
			return true
		})
	}
	return out
}

// errorsFrom completes the uses of a call whose Graph error (the argument
// after the rule, i) is a variable of body assigned from a call: the
// catalogue keys that function returns, one use each
// (gerr, detail := decodeRequest(…); c.fail("", rule, gerr, detail)).
func (a *analysis) errorsFrom(uses []use, call *ast.CallExpr, i int, body *ast.BlockStmt) []use {
	if body == nil || i+1 >= len(call.Args) {
		return uses
	}
	id, ok := call.Args[i+1].(*ast.Ident)
	if !ok {
		return uses
	}
	var out []use
	var keys []string
	looked := false
	for _, u := range uses {
		if u.severity != "error" || u.key != "" || u.keyParam >= 0 {
			out = append(out, u)
			continue
		}
		if !looked { // the same for every use of this call
			keys, looked = a.keysAssigned(body, id.Name, call.Pos(), map[string]bool{}), true
		}
		if len(keys) == 0 {
			out = append(out, u)
		}
		for _, k := range keys {
			ku := u
			ku.key = k
			out = append(out, ku)
		}
	}
	return out
}

// keysAssigned are the catalogue keys variable v of body holds at pos:
// those returned by the package function whose result the last
// assignment to v before pos is.
func (a *analysis) keysAssigned(body *ast.BlockStmt, v string, pos token.Pos, seen map[string]bool) []string {
	fn := ""
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || as.Pos() >= pos {
			return true
		}
		call, ok := as.Rhs[0].(*ast.CallExpr)
		if !ok {
			return true
		}
		for _, l := range as.Lhs {
			if isIdent(l, v) {
				fn = name(call.Fun)
			}
		}
		return true
	})
	return a.keysReturned(fn, seen)
}

// keysReturned are the catalogue keys function fn returns: as Err(Key…)
// and the like, or from the functions it returns the results of. A name
// several functions share (methods of different types) is not followed.
func (a *analysis) keysReturned(fn string, seen map[string]bool) []string {
	if len(a.bodies[fn]) != 1 || seen[fn] {
		return nil
	}
	seen[fn] = true
	body := a.bodies[fn][0]
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		if !ok {
			return true
		}
		for _, r := range ret.Results {
			if k, _ := keyOf(r, nil); k != "" {
				out = append(out, k)
			} else if c, ok := r.(*ast.CallExpr); ok {
				out = append(out, a.keysReturned(name(c.Fun), seen)...)
			} else if id, ok := r.(*ast.Ident); ok {
				out = append(out, a.keysAssigned(body, id.Name, ret.Pos(), seen)...)
			}
		}
		return true
	})
	return out
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// argUses is what the calls in body do with the arguments that match.
func (a *analysis) argUses(body ast.Node, match func(ast.Expr) bool) []use {
	var out []use
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			for i, arg := range call.Args {
				if match(arg) {
					out = append(out, a.callUses(call, i, nil)...)
				}
			}
		}
		return true
	})
	return out
}

// localAliases are the local variables of body assigned v.
func localAliases(body *ast.BlockStmt, v string) []string {
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
			for i, r := range as.Rhs {
				if id, ok := as.Lhs[i].(*ast.Ident); ok && isIdent(r, v) {
					out = append(out, id.Name)
				}
			}
		}
		return true
	})
	return out
}

// fieldsHolding names the struct fields v is stored in, by key
// (limits{many: v}) or by position in a table of anonymous structs.
func (a *analysis) fieldsHolding(v string) map[string]bool {
	out := map[string]bool{}
	for _, f := range a.files {
		ast.Inspect(f, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			for _, e := range cl.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok && isIdent(kv.Value, v) {
					if k, ok := kv.Key.(*ast.Ident); ok {
						out[k.Name] = true
					}
				}
			}
			at, ok := cl.Type.(*ast.ArrayType)
			if !ok {
				return true
			}
			st, ok := at.Elt.(*ast.StructType)
			if !ok {
				return true
			}
			var names []string
			for _, fl := range st.Fields.List {
				for _, n := range fl.Names {
					names = append(names, n.Name)
				}
			}
			for _, e := range cl.Elts {
				row, ok := e.(*ast.CompositeLit)
				if !ok {
					continue
				}
				for k, x := range row.Elts {
					if isIdent(x, v) && k < len(names) {
						out[names[k]] = true
					}
				}
			}
			return true
		})
	}
	return out
}

// violationLiteral reads Violation{Rule: v.Name, Severity: …, Error: …}.
func violationLiteral(cl *ast.CompositeLit, v string) (use, bool) {
	u := use{keyParam: -1, detParam: -1}
	found := false
	for _, e := range cl.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		k, _ := kv.Key.(*ast.Ident)
		if k == nil {
			continue
		}
		switch k.Name {
		case "Rule":
			if se, ok := kv.Value.(*ast.SelectorExpr); ok && se.Sel.Name == "Name" {
				if id, ok := se.X.(*ast.Ident); ok && id.Name == v {
					found = true
				}
			}
		case "Severity":
			if strings.HasSuffix(name(kv.Value), "Warning") {
				u.severity = "warning"
			} else {
				u.severity = "error"
			}
		case "Error":
			u.key, _ = keyOf(kv.Value, nil)
		case "Detail":
			u.detail, _ = textOf(kv.Value, nil)
		}
	}
	return u, found && u.severity != ""
}

// callUses is what call does with its argument i, a rule; ctx is the
// function the call is in, when its parameters matter.
func (a *analysis) callUses(call *ast.CallExpr, i int, ctx *funcInfo) []use {
	fn := name(call.Fun)
	if sev, ok := sinks[fn]; ok {
		u := use{severity: sev, keyParam: -1, detParam: -1}
		if sev == "error" && i+1 < len(call.Args) {
			u.key, u.keyParam = keyOf(call.Args[i+1], ctx)
			u.sized = ctx != nil && sizeKeys[u.key]
		}
		if last := len(call.Args) - 1; last > i {
			u.detail, u.detParam = textOf(call.Args[last], ctx)
			u.generic = ctx != nil
		}
		return []use{u}
	}
	fi := a.funcs[fn]
	if fi == nil || !fi.rules[i] {
		return nil
	}
	var out []use
	for _, u := range a.paramUses(fn, i) {
		if u.keyParam >= 0 && u.keyParam < len(call.Args) {
			u.key, u.keyParam = keyOf(call.Args[u.keyParam], ctx)
			u.sized = ctx != nil && sizeKeys[u.key]
		}
		if u.detParam >= 0 && u.detParam < len(call.Args) {
			u.detail, u.detParam = textOf(call.Args[u.detParam], ctx)
			u.generic = ctx != nil
		}
		out = append(out, u)
	}
	return out
}

// paramUses is what function fn does with its rule parameter idx.
func (a *analysis) paramUses(fn string, idx int) []use {
	memoKey := fn + "/" + strconv.Itoa(idx)
	if u, ok := a.memo[memoKey]; ok {
		return u
	}
	a.memo[memoKey] = nil // a recursive helper adds nothing new
	fi := a.funcs[fn]
	pname := ""
	for n, i := range fi.params {
		if i == idx {
			pname = n
		}
	}
	var out []use
	ast.Inspect(fi.body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		for j, arg := range call.Args {
			if id, ok := arg.(*ast.Ident); ok && id.Name == pname {
				out = append(out, a.callUses(call, j, fi)...)
			}
		}
		return true
	})
	a.memo[memoKey] = out
	return out
}

// name is the called or named identifier of e: f, x.f or pkg.F.
func name(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// keyOf reads the catalogue key of a Graph error expression, or the index
// of the parameter of ctx it comes from.
func keyOf(e ast.Expr, ctx *funcInfo) (string, int) {
	switch e := e.(type) {
	case *ast.CallExpr:
		switch name(e.Fun) {
		case "Err":
			if len(e.Args) > 0 && strings.HasPrefix(name(e.Args[0]), "Key") {
				return name(e.Args[0]), -1
			}
		case "EnumError":
			return "KeyEnum", -1
		case "KeysError":
			return "KeyKeys", -1
		case "UnsupportedError":
			return "KeyUnsupported", -1
		}
	case *ast.Ident:
		if ctx != nil {
			if i, ok := ctx.params[e.Name]; ok {
				return "", i
			}
		}
	}
	return "", -1
}

// textOf renders a detail expression as text, with "…" for what is only
// known at run time, or names the parameter of ctx it comes from.
func textOf(e ast.Expr, ctx *funcInfo) (string, int) {
	if id, ok := e.(*ast.Ident); ok && ctx != nil {
		if i, ok := ctx.params[id.Name]; ok {
			return "", i
		}
	}
	t := render(e)
	if strings.Trim(t, "… ") == "" {
		return "", -1
	}
	return t, -1
}

func render(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			if s, err := strconv.Unquote(e.Value); err == nil {
				return s
			}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return render(e.X) + render(e.Y)
		}
	case *ast.CallExpr:
		if name(e.Fun) == "Sprintf" && len(e.Args) > 0 {
			if lit, ok := e.Args[0].(*ast.BasicLit); ok {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					return verbs.Replace(s)
				}
			}
		}
	}
	return "…"
}

var verbs = strings.NewReplacer("%d", "…", "%s", "…", "%q", "…", "%v", "…", "%g", "…")

// sizeKeys are the errors a helper answers by comparing with a limit.
var sizeKeys = map[string]bool{"KeyLength": true, "KeyTooMany": true, "KeyTooFew": true}

// summarise merges the uses of one rule: severities (error first), keys
// answered always, keys answered only when the rule has a limit, and the
// details of the checks' own, each once, in source order, joined by "; ".
func summarise(uses []use) (sevs, keys, sized []string, detail string) {
	seenSev, direct, viaLimit := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var details, helpers []string
	for _, u := range uses {
		seenSev[u.severity] = true
		switch {
		case u.key == "":
		case u.sized:
			viaLimit[u.key] = true
		default:
			direct[u.key] = true
		}
		if u.detail != "" && !u.generic && !slices.Contains(details, u.detail) {
			details = append(details, u.detail)
		}
		if u.detail != "" && u.generic && !slices.Contains(helpers, u.detail) {
			helpers = append(helpers, u.detail)
		}
	}
	if len(details) == 0 && len(direct) == 0 && len(viaLimit) == 0 {
		// Only helpers name the rule, and no error says what it refuses
		// (a warning's): their words, rather than none.
		details = helpers
	}
	// Every check a rule makes, in the order of the source: one of them
	// alone read as all the rule does.
	detail = strings.Join(details, "; ")
	for _, s := range []string{"error", "warning"} {
		if seenSev[s] {
			sevs = append(sevs, s)
		}
	}
	for k := range direct {
		keys = append(keys, k)
	}
	for k := range viaLimit {
		if !direct[k] {
			sized = append(sized, k)
		}
	}
	sort.Strings(keys)
	sort.Strings(sized)
	return sevs, keys, sized, detail
}
