package io.dynamosync.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Runs an Argo CD health.lua the way Argo CD does: the resource as a Lua table in the global {@code obj}, the
 * script's returned table read for {@code status} and {@code message}.
 *
 * <p>Only the base, table, string and math libraries are loaded, as Argo CD offers no file or process access to
 * these scripts either; a script that reached for {@code io} or {@code os} would fail here too.
 */
final class LuaHealthCheck {

    /** What a health script returned. */
    record Health(String status, String message) {}

    private final String script;
    private final String name;

    LuaHealthCheck(String script, String name) {
        this.script = script;
        this.name = name;
    }

    /** The health of {@code resource} as the script judges it; a missing message reads as empty, as in Argo CD. */
    Health evaluate(JsonNode resource) {
        Globals globals = new Globals();
        globals.load(new BaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        globals.set("obj", toLua(resource));
        LuaValue result = globals.load(script, name).call();
        if (!result.istable()) {
            throw new IllegalStateException(name + " returned " + result.typename() + ", not a table");
        }
        LuaValue message = result.get("message");
        return new Health(result.get("status").optjstring(null), message.isnil() ? "" : message.tojstring());
    }

    /** JSON to Lua as Argo CD converts it: objects and arrays to tables (arrays from 1), nulls left out. */
    static LuaValue toLua(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return LuaValue.NIL;
        }
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                table.set(field.getKey(), toLua(field.getValue()));
            }
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, toLua(node.get(i)));
            }
            return table;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return LuaValue.valueOf(node.intValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return LuaValue.valueOf(node.asText());
    }
}
