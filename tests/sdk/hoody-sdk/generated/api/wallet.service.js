/**
 * WalletService
 * User-extensible Wallet service
 *
 * ✅ SAFE TO EDIT ✅
 * This file extends the generated base class and is yours to customize.
 * Add your own methods, override base methods, or add custom logic here.
 *
 * Generated at: 2026-08-06T22:43:11.000Z
 */
import { WalletServiceBase } from './wallet.service.generated.js';
export class WalletService extends WalletServiceBase {
}
