package cairn.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTrips() {
        var map = new LinkedHashMap<String, Object>();
        map.put("s", "a \"quoted\"\nline\t\u0001é");
        map.put("n", -42L);
        map.put("b", true);
        map.put("null", null);
        map.put("list", List.of(1L, "two", Map.of("k", false)));
        String text = Json.write(map);
        assertEquals(map, Json.parse(text));
        assertEquals(text, Json.write(Json.parse(text)));
    }

    @Test
    void hostileInputIsRejectedNotCrashing() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "[1,2", "\"abc", "{\"a\":1}x", "nul", "\"\\u12\"",
                "99999999999999999999", "{1:2}", "[" .repeat(100) + "]".repeat(100)}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    }
}
