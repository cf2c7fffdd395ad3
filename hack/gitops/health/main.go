// gitops-health evaluates McpServer objects the way the two GitOps tools do: Argo CD's custom
// health check (a Lua script run by gopher-lua, the interpreter Argo CD embeds, with the same
// sandboxed libraries) and Flux's kstatus (sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute).
//
// Usage: gitops-health <health.lua> <objects.json>
// objects.json is a JSON array of {"name": ..., "object": <McpServer>}; the output is a JSON
// array of {"name", "argo": {"status", "message"}, "kstatus": {"status", "message"}}.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type fixture struct {
	Name   string                 `json:"name"`
	Object map[string]interface{} `json:"object"`
}

type verdict struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

type result struct {
	Name    string  `json:"name"`
	Argo    verdict `json:"argo"`
	Kstatus verdict `json:"kstatus"`
}

// toLua converts decoded JSON into Lua values as Argo CD does: objects and arrays become tables
// (arrays 1-based), numbers LNumber, null nil.
func toLua(L *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []interface{}:
		t := L.NewTable()
		for _, item := range v {
			t.Append(toLua(L, item))
		}
		return t
	case map[string]interface{}:
		t := L.NewTable()
		for key, item := range v {
			t.RawSetString(key, toLua(L, item))
		}
		return t
	default:
		return lua.LString(fmt.Sprint(v))
	}
}

// argoHealth runs the script with obj set, in a state with only the libraries Argo CD opens.
func argoHealth(script string, obj map[string]interface{}) (verdict, error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, lib := range []struct {
		name string
		fn   lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}} {
		L.Push(L.NewFunction(lib.fn))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoString(script); err != nil {
		return verdict{}, err
	}
	table, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		return verdict{}, fmt.Errorf("the health script returned %s, not a table", L.Get(-1).Type())
	}
	return verdict{Status: table.RawGetString("status").String(), Message: table.RawGetString("message").String()}, nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gitops-health <health.lua> <objects.json>")
		os.Exit(2)
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	raw, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var fixtures []fixture
	// utiljson decodes whole numbers as int64, as the API machinery does for unstructured objects.
	if err := utiljson.Unmarshal(raw, &fixtures); err != nil {
		fmt.Fprintln(os.Stderr, "objects.json:", err)
		os.Exit(1)
	}
	results := make([]result, 0, len(fixtures))
	for _, f := range fixtures {
		argo, err := argoHealth(string(script), f.Object)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", f.Name, err)
			os.Exit(1)
		}
		computed, err := status.Compute(&unstructured.Unstructured{Object: f.Object})
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: kstatus: %v\n", f.Name, err)
			os.Exit(1)
		}
		results = append(results, result{Name: f.Name, Argo: argo, Kstatus: verdict{Status: computed.Status.String(), Message: computed.Message}})
	}
	out, _ := json.MarshalIndent(results, "", "  ")
	fmt.Println(string(out))
}
