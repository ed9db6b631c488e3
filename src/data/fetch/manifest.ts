/**
 * What `cislab data fetch` downloads: every file of the DREAM2022 and Vaishnav et al. 2022 folders the library
 * reads, with its size and SHA-256 (measured on the reference copies with `stat -c %s FILE` and `sha256sum FILE`;
 * for a `.gz` file also of its decompressed content, `zcat FILE | wc -c` and `zcat FILE | sha256sum`).
 *
 * A file with a public original has `source`: a raw GitHub address pinned to a commit, so the bytes cannot change
 * under the checksum. Those originals were compared byte for byte with the reference copies (for the `.csv.gz`
 * files: the original `.csv` against the decompressed copy). Files cislab's data folder holds in a prepared form
 * (the scored test table with its subsets, the pairs, the leaderboard, the native-promoter tables) have no public
 * copy of those exact bytes: they come only from a mirror of the data folder (`--from`, `CISLAB_DATA_MIRROR`).
 */

/** The data sets `cislab data fetch --dataset` accepts (`all` is both). */
export const DATA_SETS = ['dream2022', 'vaishnav'] as const;
/** One of {@link DATA_SETS}. */
export type DataSetName = (typeof DATA_SETS)[number];

/** One file of a data set: where it goes in the data folder, what it must hash to, and where it comes from. */
export interface DataFile {
  /** The data set it belongs to. */
  dataset: DataSetName;
  /** Its path inside the data folder, `/`-separated (a mirror serves it under the same path). */
  path: string;
  /** Its size in bytes, as the data folder holds it. */
  bytes: number;
  /** SHA-256 (hex) of the file as the data folder holds it. */
  sha256: string;
  /** For a gzip file: size and SHA-256 of its decompressed content (an original that is not compressed must match these). */
  content?: { bytes: number; sha256: string };
  /** The public original, when one holds these bytes: its address and whether it is gzip-compressed. */
  source?: { url: string; gzip: boolean };
  /** Where the data comes from, in one line (shown by `--list` and in errors). */
  origin: string;
}

const DEBOER = 'https://raw.githubusercontent.com/de-Boer-Lab/random-promoter-dream-challenge-2022/f7b2e197f673319aaae3ef460b7f9980f74304af';
const CAMFORMER = 'https://raw.githubusercontent.com/gautammalik-git/Camformer/5c5eb0b4af1a0645c789a2c38d76ea253d8f0aab';
const LEGNET = 'https://raw.githubusercontent.com/autosome-ru/LegNet/63773bb04a85dea33bdbf2e2350f7483cc2c96b5';
const EVOLUTION = 'https://raw.githubusercontent.com/1edv/evolution/bf4a41983a82ac81b3ef60fa33fc0e253760c73d';
const EVOLUTION_TESTS = `${EVOLUTION}/manuscript_code/model/reproduce_test_data_performance`;

const DREAM_ZENODO = 'DREAM2022 test set with MAUDE expression (Zenodo 10.5281/zenodo.7395397; de-Boer-Lab/random-promoter-dream-challenge-2022 data/)';
const VAISHNAV_ZENODO = 'Vaishnav et al. 2022 (Zenodo 10.5281/zenodo.4436477)';

/** A plain file that is the original byte for byte. */
function plain(dataset: DataSetName, path: string, bytes: number, sha256: string, url: string, origin: string): DataFile {
  return { dataset, path, bytes, sha256, source: { url, gzip: false }, origin };
}

/** A gzip file of the data folder whose original is the uncompressed content (compressed when fetched). */
function gzipOf(dataset: DataSetName, path: string, bytes: number, sha256: string, content: [number, string], url: string, origin: string): DataFile {
  return { dataset, path, bytes, sha256, content: { bytes: content[0], sha256: content[1] }, source: { url, gzip: false }, origin };
}

/** A prepared file with no public copy of its bytes: fetched only from a mirror. */
function prepared(dataset: DataSetName, path: string, bytes: number, sha256: string, content: [number, string] | undefined, origin: string): DataFile {
  return { dataset, path, bytes, sha256, ...(content ? { content: { bytes: content[0], sha256: content[1] } } : {}), origin };
}

/** An evolution test file: 1edv/evolution's `.csv`, kept gzip-compressed in the data folder. */
function evolution(name: string, bytes: number, sha256: string, content: [number, string]): DataFile {
  return gzipOf('vaishnav', `vaishnav2022/evolution/${name}.csv.gz`, bytes, sha256, content, `${EVOLUTION_TESTS}/${name}.csv`,
    `${name}.csv of 1edv/evolution (MIT), measured and predicted expression, ${VAISHNAV_ZENODO}`);
}

/** Every file `cislab data fetch` knows, DREAM2022 first. */
export const DATA_FILES: readonly DataFile[] = [
  plain('dream2022', 'dream2022/demo_train.txt', 760902, '277090c096efb1592d1b017fffef6d83d96817ae4430109ddc5ba45b66dd8ede', `${DEBOER}/data/demo_train.txt`,
    'DREAM2022 demo training set, de-Boer-Lab/random-promoter-dream-challenge-2022 (MIT)'),
  plain('dream2022', 'dream2022/demo_val.txt', 760902, '277090c096efb1592d1b017fffef6d83d96817ae4430109ddc5ba45b66dd8ede', `${DEBOER}/data/demo_val.txt`,
    'DREAM2022 demo validation set (the same bytes as demo_train.txt upstream), de-Boer-Lab (MIT)'),
  prepared('dream2022', 'dream2022/test.tsv.gz', 1857246, '50a675fd2b1281fc7673fb5b1bdcd50e3c8249d41cb015f3edfaddb7e29e15c6',
    [10912102, '9ec0a58610abc54f495ffac591596295a3609e71193597b4168ba44c7daf6228'],
    `the 71,103 test sequences with measured expression, split and subsets, built from the ${DREAM_ZENODO} and the challenge's subset ids`),
  prepared('dream2022', 'dream2022/test_pairs.tsv.gz', 311540, 'aa9b68d0233d5383b6faa3e563b89c20e7f588ecc2cb7fb234ab1477fb8be286',
    [5145078, 'e39691515de1c77837e7102245f1b5779224b9f5c9383da5ea2e9a16895dbca3'],
    "the alt/ref pairs of the SNV, motif perturbation and motif tiling subsets, built from the challenge's subset ids (private SNV pairs inferred)"),
  prepared('dream2022', 'dream2022/leaderboard_final.tsv', 2452, 'ace49258ed575154ff55328a9608a4e4193a28732a200caff2bba1844205bf8d', undefined,
    'the published final private leaderboard of the top teams (Rafi et al. 2024)'),
  plain('dream2022', 'dream2022/plasmid.json', 8296, 'e1444cace7908c314be020e79c7790558f3947c3c932fd0c02136df14df59113', `${DEBOER}/data/plasmid.json`,
    'the reporter plasmid around the promoter, de-Boer-Lab (MIT)'),
  plain('dream2022', 'dream2022/LICENSE_deBoer_MIT.txt', 1068, '90c6fb6542403a1216b4e30ff68492f12ee83a75b6454de1e7800551c9e20243', `${DEBOER}/LICENSE`,
    'licence of de-Boer-Lab/random-promoter-dream-challenge-2022'),
  plain('dream2022', 'dream2022/LICENSE_Camformer_MIT.txt', 1070, 'c05b1d350678b8db465be5c6156cc5f0e2c286a2d4670ce9aa0a139c3574fd9b', `${CAMFORMER}/LICENSE`,
    'licence of gautammalik-git/Camformer'),
  prepared('vaishnav', 'vaishnav2022/native_complex.tsv.gz', 61986, '4310a57ed2ef1442f221ff3ec59826dbd7b4d13ba48396f0684ee9146ccea729',
    [492101, '8411f58f09901827bd5c496148473bf12a5f7e55a0dc35c8a45b04156759af04'], `3,929 native yeast promoters measured in complex medium (YPD), ${VAISHNAV_ZENODO}`),
  prepared('vaishnav', 'vaishnav2022/native_defined.tsv.gz', 62949, 'c1470f3244126315651e6853bc850b067036b45493e97c91e61af1ce2c28345f',
    [498352, '43b4c753f4a0d90d9625093e7b20aaab762daf2395695764fa00b9a1ac5a87f1'], `3,978 native yeast promoters measured in defined medium (SC-Ura), ${VAISHNAV_ZENODO}`),
  plain('vaishnav', 'vaishnav2022/LICENCE_LegNet.md', 1068, '32a44c19df9e31b1da3e20a7d3fd62a1bff98c524f2072442a1b6898f8cd34c2', `${LEGNET}/LICENCE.md`,
    'licence of autosome-ru/LegNet'),
  evolution('Drift_complex', 121278, '06140d300bb35ca28f8a684c81f85dba7f0a68988deba696cc8aceac51f062de', [445696, 'cfe7f44734142f0ed57a31477b05e17c613992481d231e8c45540c3a34e14d77']),
  evolution('Drift_defined', 121648, 'cb99f47884e922aed5642459b05da00c7999835e8c3bff9508994f4bbde6d314', [446084, 'b9dc8bc2935ac2c87e3499045e961c1ccc8d0081f9c6b37a43e338fa1237bafe']),
  evolution('Drift_delta_complex', 122128, '190d7b77066745ad7f430d9c8d4992dafa10ad88ee0035622be61bc4409dc92f', [450560, '1dc4fb350fabd5933a269a78e891b0bdd0ee9a30d1214c9f8c041c62210457ca']),
  evolution('Drift_delta_defined', 122288, 'bf70531c6eca82b1a00564630a9dbe03616c2ab8b46cf06dbcbe9cc17c27cba7', [451017, '8639e35b06a402760d6a46adf41ba8df1d5bc46da54022f42143ed90ce3fc0a6']),
  evolution('Native_complex', 115447, '15796ccbb90dfee1b66b7facc6dc46a77758d4c4def005ca07ed6ea137dccad2', [562658, '59d81b20739815108de4ecf095f78a96042685ee14ed32b95d3ae37242f569b0']),
  evolution('Native_defined', 114402, '9ee7455790e86f3d211ebb478b8bc571e35ae4418513a0a8077fb61470cfb15f', [564919, '87722d2accaa1a0543b2258e56bd37c71d4832bd24a8c5231df836bcb2417643']),
  evolution('Random_complex', 155174, '0501c6bc1c6feb6549d55338261cd02c3559c6f387b91a94b34f06b5e3e0d4ab', [446804, 'd14fd0c396b1ff3687ad956f9163b1ae344c340fc5b9af79e99f2da818cae305']),
  evolution('Random_defined', 551564, '6bf54d975f601f70b6632eda71e4cdc5bbcca0083438b6d387db2b66876cb86e', [1932203, 'f76404dc7dd50a0dfc24a08cd6c509d8ddcc15c67dcea4340be4c96673dbc6f8']),
  evolution('SSWM_complex', 304172, '1fc3c493b2afbadbc828c842c3b7ad9fb97a1528768d73412e0cb00e2c3d2912', [1543532, 'e2e03462ded85a59529f2cab0588ae09bf23ae700b78738a6acb1032248357fd']),
  evolution('SSWM_defined', 190754, '2d9329c1281cd64aa8cd9557472a7f43d18d21b400e26af69db98c14dc20cf31', [942095, '1ef75dc3d9a7da2da552f1af53d3383cbb4d7150c75f3eddfe18624ca697e817']),
  evolution('SSWM_delta_complex', 189077, '68cacb146f310febcf4714fbeca693fdb459113ea294ed4daf21e50099b1027f', [411617, '6c3aedd4406e93ea0aeee740502031ce54741f499a477797f90189ac464437e1']),
  evolution('SSWM_delta_defined', 114503, '484a459eeadfefdcbb57980d5e77422e134d12364c782c1fb282ed4afa8cc228', [245664, '57d33efc133c0267423a480f160975e1bff60271f89c96714032d22c5560c2e6']),
  gzipOf('vaishnav', 'vaishnav2022/evolution/HQ_testdata_complex_random_test.txt.gz', 129985, '42930135218176b3361024d4192508d6500e1365ea4de3deffa104aa939a2e16',
    [427196, '094961bd5f207958306d663123f3150a201566bba9f8eb0b2924dd5e3bd693d6'], `${EVOLUTION}/manuscript_code/model/benchmarking_models/HQ_testdata.txt`,
    `HQ_testdata.txt of 1edv/evolution (MIT): the complex-medium random test set, ${VAISHNAV_ZENODO}`),
  plain('vaishnav', 'vaishnav2022/evolution/README.md', 1139, 'b607160fe809c7433ae18f4d917fa206908cd542af12bd514ef154522969db47', `${EVOLUTION_TESTS}/README.md`,
    "1edv/evolution's description of the test files"),
  plain('vaishnav', 'vaishnav2022/evolution/LICENSE_evolution_MIT.txt', 1061, 'c5b66cc5f4c7c3ca00592e0fc708d386498c80c1834cfcefe4827595714c1778', `${EVOLUTION}/LICENSE`,
    'licence of 1edv/evolution'),
  gzipOf('vaishnav', 'vaishnav2022/evolution/LICENSE_evolution_MIT.txt.gz', 668, 'f9768aa5dec9d7e5a8034e13b713e5a09b4b0c11997d6b4d177af6ff59159067',
    [1061, 'c5b66cc5f4c7c3ca00592e0fc708d386498c80c1834cfcefe4827595714c1778'], `${EVOLUTION}/LICENSE`, 'licence of 1edv/evolution (compressed copy)'),
  prepared('vaishnav', 'vaishnav2022/evolution/PROVENANCE.txt.gz', 828, '62010e30bfbefb5a0b8b0fede9057787dae04b0f6abdfac271b2535fdf3d1603',
    [1323, 'e60d8c16a233d01fc3d05446e3de3f726eb11ffeec820e04d18f5688e8620b07'], 'which commit and paths of 1edv/evolution the evolution files were taken from'),
];

/**
 * The files of `dataset` (`all`: every file), in the manifest's order.
 * @param dataset - 'dream2022', 'vaishnav' or 'all'.
 * @returns The manifest entries of that data set.
 * @example
 * const bytes = dataFiles('dream2022').reduce((sum, file) => sum + file.bytes, 0); // 3,703,476
 */
export function dataFiles(dataset: DataSetName | 'all'): DataFile[] {
  return DATA_FILES.filter((file) => dataset === 'all' || file.dataset === dataset);
}
