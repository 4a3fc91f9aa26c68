import { stat } from "fs/promises";
export async function tryStat(pathToStat) {
    try {
        return await stat(pathToStat);
    }
    catch (e) {
        return null;
    }
}
//# sourceMappingURL=fs.js.map