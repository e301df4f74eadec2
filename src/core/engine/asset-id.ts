export { assetIdFor, findingIdFor } from '../util/ids'
