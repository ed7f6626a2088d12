package cairn.protocols.rpc;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The programs served on one port, by program number (so MOUNT, NFS and portmapper share port 2049). */
public final class RpcProgramRegistry {
    private final Map<Integer, RpcProgram> programs;

    public RpcProgramRegistry(List<RpcProgram> programs) {
        this.programs = programs.stream().collect(Collectors.toUnmodifiableMap(RpcProgram::program, Function.identity()));
    }

    /** The program, or null. */
    public RpcProgram find(int program) {
        return programs.get(program);
    }

    public List<RpcProgram> all() {
        return List.copyOf(programs.values());
    }
}
