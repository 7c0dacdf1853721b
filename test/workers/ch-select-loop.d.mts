declare const loop: (ends: Record<string, any>, cfg: Record<string, unknown>) => Promise<any>;
export default loop;
